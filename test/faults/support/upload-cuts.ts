/** One upload cut and resumed: by the client (tus-js-client abort) or by the network (a relay that drops the connection). */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CuttingProxy } from './cutting-proxy.ts';
import { sha256 } from '../../support/media.ts';
import { createVideo, type OperatorApi } from '../../support/operator-api.ts';
import { sleep, waitFor } from '../../support/wait.ts';
import { rawDigest, serverOffset, startUpload } from './vora-client.ts';

export type CutMode = 'client-abort' | 'network-cut';

export interface CutOutcome {
  videoId: string;
  mode: CutMode;
  cutAt: number;
  /** Bytes the server kept after the cut (HEAD Upload-Offset). */
  kept: number;
  /** Upload-Offset of the resumed client's first PATCH: must equal `kept`. */
  resumedFrom: number;
  resumeMs: number;
  intact: boolean;
}

const withPort = (url: string, port: number) => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
};

/** HEAD until the offset stops moving: the cut request may still be landing when the client gives up. */
async function settledOffset(uploadUrl: string): Promise<number> {
  let previous = -1;
  return waitFor(
    async () => {
      const offset = await serverOffset(uploadUrl);
      const settled = offset === previous;
      previous = offset;
      return settled ? offset : undefined;
    },
    { what: 'the upload offset to settle after the cut', timeoutMs: 20_000, everyMs: 400, retryErrors: true },
  );
}

export async function cutAndResume(deps: { api: OperatorApi; s3: S3Client; proxy: CuttingProxy; originPort: number }, payload: Buffer, mode: CutMode, cutAt: number, chunkSize: number): Promise<CutOutcome> {
  const video = await createVideo(deps.api, `${mode} at byte ${cutAt}`);
  let uploadUrl: string;
  if (mode === 'network-cut') {
    const cut = deps.proxy.cutAfter(cutAt);
    const first = startUpload(payload, { endpoint: withPort(video.uploadUrl, Number(new URL(deps.proxy.url).port)), chunkSize });
    const ended = await Promise.race([first.done.then(() => 'finished' as const, () => 'failed' as const), sleep(60_000).then(() => 'hung' as const)]);
    await cut;
    if (ended !== 'failed') throw new Error(`the upload ${ended} although the network was cut after ${cutAt} bytes`);
    uploadUrl = first.upload.url!;
  } else {
    let aborted!: () => void;
    const abort = new Promise<void>((resolve) => (aborted = resolve));
    let cut = false;
    const first = startUpload(payload, {
      endpoint: video.uploadUrl,
      chunkSize,
      onProgress: (sent, upload) => {
        if (cut || sent < cutAt) return;
        cut = true;
        void upload.abort().then(aborted);
      },
    });
    const ended = await Promise.race([abort.then(() => 'aborted' as const), first.done.then(() => 'finished' as const), sleep(60_000).then(() => 'hung' as const)]);
    if (ended !== 'aborted') throw new Error(`the upload ${ended} before the client aborted it at ${cutAt} bytes`);
    uploadUrl = first.upload.url!;
  }
  if (!uploadUrl) throw new Error(`the cut came before the upload was created (cut at ${cutAt}); pick a later cut point`);
  uploadUrl = withPort(uploadUrl, deps.originPort);
  const kept = await settledOffset(uploadUrl);

  const started = performance.now();
  const resumed = startUpload(payload, { endpoint: video.uploadUrl, uploadUrl, chunkSize });
  const url = await Promise.race([resumed.done, sleep(90_000).then(() => Promise.reject(new Error('the resumed upload did not finish within 90 s')))]);
  const resumeMs = performance.now() - started;
  const stored = await rawDigest(deps.s3, url);
  return {
    videoId: video.id,
    mode,
    cutAt,
    kept,
    resumedFrom: resumed.patchOffsets[0] ?? -1,
    resumeMs,
    intact: stored.sha256 === sha256(payload) && stored.size === payload.length,
  };
}
