// The soak's uploads: TUS uploads on a schedule (every third cut by the client and resumed from the server's offset),
// followed to READY; READY videos join the playback pool, the oldest leave it and are deleted, so the working set
// (caches, buckets) stays the same size over a long run.
import * as tus from 'tus-js-client';
import { ApiError, type JsonClient } from '../../../cli/lib/api-client.ts';
import { uploadOffset } from '../../../cli/lib/tus-upload.ts';
import type { Tally } from './tally.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface UploadLoadOptions {
  api: JsonClient;
  /** Source files, used in turn. */
  clips: Buffer[];
  errors: Tally;
  everyMs: number;
  /** Every `cutEvery`-th upload is aborted by the client part-way and resumed. */
  cutEvery: number;
  /** READY videos kept in the playback pool; older ones are retired and deleted. */
  poolSize: number;
  /** Between leaving the pool and the DELETE: viewer sessions already on the video finish first. */
  retireGraceMs: number;
}

interface TrackedVideo {
  id: string;
  cut: boolean;
  uploadedAt: number;
  state: string;
  readyMs?: number;
}

/** HEAD until the offset stops moving (≤ 20 s): the cut PATCH may still be landing when the client gives up. */
async function settledOffset(uploadUrl: string): Promise<number> {
  let previous = -1;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const held = await uploadOffset(uploadUrl);
    if (!held.ok) throw new Error(`HEAD after the cut answered ${held.status}`);
    if (held.offset === previous || Date.now() > deadline) return held.offset;
    previous = held.offset;
    await sleep(400);
  }
}

/** States a tracked video does not leave on its own (UPLOAD_FAILED: the soak's own mark for an upload that did not finish). */
const finalStates = ['READY', 'FAILED', 'UPLOAD_FAILED', 'DELETED'];

const statusOf = (error: unknown) => (error instanceof ApiError ? String(error.status) : 'no answer');

/** One tus-js-client upload from `target`; resolves with the upload URL. `abortAt` bytes: aborted there, resolves 'aborted'. */
function tusUpload(data: Buffer, target: { endpoint: string } | { uploadUrl: string }, abortAt?: number): Promise<{ url: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    let aborting = false;
    const upload: tus.Upload = new tus.Upload(data, {
      ...target,
      chunkSize: 256 * 1024,
      retryDelays: [],
      storeFingerprintForResuming: false,
      metadata: { filename: 'soak.mp4', filetype: 'video/mp4' },
      onProgress: (sent) => {
        if (abortAt === undefined || aborting || sent < abortAt) return;
        aborting = true;
        void upload.abort().then(() => resolve({ url: upload.url!, aborted: true }), reject);
      },
      onError: reject,
      onSuccess: () => resolve({ url: upload.url!, aborted: false }),
    });
    upload.start();
  });
}

export class UploadLoad {
  readonly videos = new Map<string, TrackedVideo>();
  /** READY videos viewers may play, oldest first. */
  readonly pool: string[] = [];
  started = 0;
  cutsResumed = 0;
  deleted = 0;
  private readonly retiring: Array<Promise<void>> = [];

  constructor(private readonly options: UploadLoadOptions) {}

  /** Uploads on schedule until `endAt` or `maxUploads`; two at most in flight. */
  async run(endAt: number, maxUploads: number): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (Date.now() < endAt && this.started < maxUploads) {
      while (inFlight.size >= 2) await Promise.race(inFlight);
      const running: Promise<void> = this.uploadOne(this.started).finally(() => inFlight.delete(running));
      inFlight.add(running);
      this.started += 1;
      await sleep(Math.max(0, Math.min(this.options.everyMs, endAt - Date.now())));
    }
    await Promise.all(inFlight);
  }

  private async uploadOne(index: number): Promise<void> {
    const { api, clips, errors } = this.options;
    const data = clips[index % clips.length]!;
    const cut = (index + 1) % this.options.cutEvery === 0;
    let created: { id: string; upload: { url: string } };
    try {
      created = await api.request('POST', '/v1/videos', { title: `soak ${index}${cut ? ' (cut and resumed)' : ''}` });
    } catch (error) {
      errors.add(`upload: create ${statusOf(error)}`, (error as Error).message);
      return;
    }
    try {
      const first = await tusUpload(data, { endpoint: created.upload.url }, cut ? Math.floor(data.length * 0.4) : undefined);
      if (first.aborted) {
        const held = await settledOffset(first.url);
        if (held <= 0 || held >= data.length) throw new Error(`the server held ${held} of ${data.length} bytes after the cut`);
        await tusUpload(data, { uploadUrl: first.url });
        this.cutsResumed += 1;
      }
      this.videos.set(created.id, { id: created.id, cut, uploadedAt: Date.now(), state: 'PROCESSING' });
    } catch (error) {
      errors.add(`upload: TUS ${cut ? 'cut/resume' : 'upload'} failed`, `${created.id}: ${(error as Error).message.split('\n')[0]}`);
      this.videos.set(created.id, { id: created.id, cut, uploadedAt: Date.now(), state: 'UPLOAD_FAILED' });
    }
  }

  /** Reads the state of every video not yet READY or FAILED; READY ones join the pool (and push the oldest out). */
  async poll(): Promise<void> {
    for (const video of this.videos.values()) {
      if (finalStates.includes(video.state)) continue;
      try {
        const current = await this.options.api.request<{ state: string; failureReason: string | null }>('GET', `/v1/videos/${video.id}`);
        video.state = current.state;
        if (current.state === 'READY') {
          video.readyMs = Date.now() - video.uploadedAt;
          this.pool.push(video.id);
          while (this.pool.length > this.options.poolSize) this.retire(this.pool.shift()!);
        }
        if (current.state === 'FAILED') this.options.errors.add('upload: video FAILED', `${video.id}: ${current.failureReason}`);
      } catch (error) {
        this.options.errors.add(`upload: GET video ${statusOf(error)}`, (error as Error).message);
      }
    }
  }

  /** Polls every `everyMs` until `endAt` (the uploads' own loop runs beside it). */
  async follow(endAt: number, everyMs = 2_000): Promise<void> {
    while (Date.now() < endAt) {
      await this.poll();
      await sleep(everyMs);
    }
  }

  private retire(id: string): void {
    this.retiring.push((async () => {
      await sleep(this.options.retireGraceMs);
      try {
        await this.options.api.request('DELETE', `/v1/videos/${id}`);
        this.deleted += 1;
      } catch (error) {
        this.options.errors.add(`upload: DELETE ${statusOf(error)}`, `${id}: ${(error as Error).message}`);
      }
    })());
  }

  /** Videos still on their way (uploaded, not READY or FAILED yet): polled until none is left or `timeoutMs`; then the retirements finish. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const onTheirWay = () => [...this.videos.values()].filter((video) => !finalStates.includes(video.state));
    while (onTheirWay().length > 0 && Date.now() < deadline) {
      await this.poll();
      await sleep(2_000);
    }
    await Promise.all(this.retiring);
  }

  /** Uploaded videos that did not become READY: the soak's lost uploads (a FAILED one counts as an error too). */
  notReady(): TrackedVideo[] {
    return [...this.videos.values()].filter((video) => video.state !== 'READY' && video.state !== 'DELETED');
  }

  readyTimesMs(): number[] {
    return [...this.videos.values()].flatMap((video) => (video.readyMs === undefined ? [] : [video.readyMs]));
  }
}
