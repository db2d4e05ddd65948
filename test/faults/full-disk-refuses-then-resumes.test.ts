/**
 * MinIO out of space, on one whole dev stack (`vora dev` on the file's own ports, `test/support/ports.ts`) whose MinIO keeps its data on a small tmpfs
 * mounted for the test (root only; unmounted in afterAll). The disk is filled with a ballast file beside MinIO's data
 * and freed by deleting it: an upload gets a clear 507 and resumes once space is back, byte for byte; a transcode
 * that meets the full disk retries, and reaches READY only with every object its playlists name.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { sha256 } from '../support/media.ts';
import { createVideo, devStackApi, mediaUris, playbackUrl, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { FaultTable } from './support/fault-log.ts';
import { rawDigest, s3Of, serverOffset, uploadWhole } from './support/vora-client.ts';
import { run } from '../../stack/exec.ts';

const exec = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const table = new FaultTable('faults: MinIO out of space (stack on its own ports, MinIO on a 512 MiB tmpfs)');
let stack: DevStack;
let api: OperatorApi;
let work: string;
let mounted: string | undefined;
const ballast = () => join(mounted!, 'ballast');

/**
 * Fills MinIO's filesystem until `leaveBytes` are free (a ballast file beside its data). MinIO may write between the
 * measure and the allocation (a transcode is running), so a refused allocation is measured and tried again.
 */
async function fillDisk(leaveBytes = 512 * 1024): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const { bavail, bsize } = await statfs(mounted!);
    try {
      await exec('fallocate', ['-l', String(Math.max(0, bavail * bsize - leaveBytes)), ballast()]);
      return;
    } catch (error) {
      await rm(ballast(), { force: true });
      if (attempt >= 5 || !/No space left on device/.test(String((error as { stderr?: string }).stderr ?? error))) throw error;
    }
  }
}
const freeDisk = () => rm(ballast(), { force: true });

beforeAll(async () => {
  if (!isRoot) return;
  work = await mkdtemp(join(tmpdir(), 'vora-faults-disk-'));
  stack = await startDevStack(await testPortOffset(import.meta.url), 300_000, {
    async beforeStart(home) {
      mounted = join(home, 'minio');
      await mkdir(mounted, { recursive: true });
      await exec('mount', ['-t', 'tmpfs', '-o', 'size=512m,mode=0700', 'vora-faults-minio', mounted]);
    },
    async beforeRemove() {
      if (mounted) await exec('umount', [mounted]);
      mounted = undefined;
    },
  });
  api = devStackApi(stack);
});

afterAll(async () => {
  table.print();
  if (mounted) await freeDisk().catch(() => {});
  await stack?.stop();
  if (mounted) await exec('umount', ['-l', mounted]).catch(() => {}); // the stack failed before its own hook ran
  if (work) await rm(work, { recursive: true, force: true });
});

const tus = (init: { method: string; headers?: Record<string, string>; body?: Buffer<ArrayBuffer> }) => ({
  ...init,
  headers: { 'Tus-Resumable': '1.0.0', ...init.headers },
  signal: AbortSignal.timeout(30_000),
});

describe.skipIf(!isRoot)('MinIO out of space during an upload', () => {
  it('answers the PATCH 507 storage_full naming the fix, keeps the offset true, and takes the rest once space is freed', async () => {
    const clipPath = join(work, 'upload.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=duration=12:size=1280x720:rate=30', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '8M', '-pix_fmt', 'yuv420p', clipPath]);
    const clip = await readFile(clipPath);
    expect(clip.length).toBeGreaterThan(9 * 1024 * 1024); // more than one 8 MiB part
    const video = await createVideo(api, 'uploaded onto a full disk');
    const created = await fetch(video.uploadUrl, tus({ method: 'POST', headers: { 'Upload-Length': String(clip.length) } }));
    expect(created.status).toBe(201);
    const uploadUrl = new URL(created.headers.get('location')!, video.uploadUrl).toString();

    await fillDisk();
    let refused: Response;
    let refusal: { error: { code: string; message: string } };
    let keptOffset: number;
    try {
      refused = await fetch(uploadUrl, tus({ method: 'PATCH', headers: { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body: clip }));
      refusal = (await refused.json()) as typeof refusal;
      keptOffset = await serverOffset(uploadUrl);
      expect(refused.status, JSON.stringify(refusal)).toBe(507);
      expect(refusal.error).toMatchObject({ code: 'storage_full', message: expect.stringMatching(/storage is full.*resume the upload once the operator has freed space/) });
      expect(keptOffset).toBeLessThan(clip.length);
      expect((await api(`/v1/videos/${video.id}`)).body.state).toBe('UPLOADING');
    } finally {
      await freeDisk();
    }
    const freedAt = Date.now();

    // As a TUS client does after a 5xx: HEAD for the offset, PATCH the rest, again after a second while refused
    // (MinIO notices the freed space within a few seconds: it caches its drives' free space).
    let attempts = 0;
    let last = '';
    const resumed = await waitFor(async () => {
      attempts += 1;
      const offset = await serverOffset(uploadUrl);
      const answer = await fetch(uploadUrl, tus({ method: 'PATCH', headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }, body: clip.subarray(offset) }));
      last = `${answer.status} ${await answer.text()} (from ${offset})`;
      if (answer.status === 204) return answer;
      if (answer.status !== 507) throw new Error(last);
      return undefined;
    }, { what: 'the resumed upload to be taken', timeoutMs: 60_000, everyMs: 1_000, retryErrors: true }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last answer ${last}`);
    });
    const recoveryMs = Date.now() - freedAt;
    const stored = await rawDigest(s3Of(stack), uploadUrl);
    console.log(`[faults] full disk during an upload: ${refused.status} ${refusal.error.code}, offset kept ${keptOffset}/${clip.length}, resumed → ${resumed.status} after ${attempts} attempts, ${recoveryMs} ms`);
    table.record({ fault: 'MinIO full during an upload', trials: 1, passed: 1, worstRecoveryMs: recoveryMs, dataLost: stored.sha256 === sha256(clip) ? 0 : 1, note: `${refused.status} ${refusal.error.code}, offset kept ${keptOffset}` });
    expect(stored).toEqual({ sha256: sha256(clip), size: clip.length });
    await waitForState(api, video.id, ['PROCESSING', 'PLAYABLE', 'READY'], 30_000);
  });
});

describe.skipIf(!isRoot)('MinIO out of space during a transcode', () => {
  it('fails the encode attempt, retries, and is READY only once every object its playlists name is stored', async () => {
    // 10-bit: not standard input, so the first rung and the ladder are encoded and written while the disk fills.
    const clipPath = join(work, 'ten-bit.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=duration=16:size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=duration=16', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', '-c:a', 'aac', '-shortest', clipPath]);
    const video = await createVideo(api, 'transcoded onto a full disk');
    await uploadWhole(video.uploadUrl, await readFile(clipPath));
    await fillDisk();
    const filledAt = Date.now();
    let failedWrites: string[];
    try {
      // The positive signal: the transcoder logged a write MinIO refused for want of space, for this video.
      failedWrites = await waitFor(async () => {
        // Activity failure lines name no video (only the task token does), and this is the only video transcoding.
        const lines = (await readFile(join(stack.home, 'logs', 'transcoder.log'), 'utf8')).split('\n').filter((line) => /no space left|minimum free drive threshold/i.test(line) && Number(/"time":(\d+)/.exec(line)?.[1]) >= filledAt);
        return lines.length > 0 ? lines : undefined;
      }, { what: 'the transcoder to meet the full disk', timeoutMs: 90_000, everyMs: 500, retryErrors: true }).catch(async (error: unknown) => {
        const log = (await readFile(join(stack.home, 'logs', 'transcoder.log'), 'utf8')).split('\n').slice(-12).join('\n');
        const { bavail, bsize } = await statfs(mounted!);
        throw new Error(`${(error as Error).message}; video ${JSON.stringify((await api(`/v1/videos/${video.id}`)).body.state)}, ${bavail * bsize} bytes free\n${log}`);
      });
      expect((await api(`/v1/videos/${video.id}`)).body.state).not.toBe('READY');
    } finally {
      await freeDisk();
    }
    const freedAt = Date.now();
    const done = await waitForState(api, video.id, ['READY'], 240_000);
    const recoveryMs = Date.now() - freedAt;

    // Every playlist and every object it names, through the edge and a CDN node as a viewer fetches them.
    const { url } = await playbackUrl(api, video.id);
    const master = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const variants = (await master.text()).split('\n').filter((line) => line && !line.startsWith('#'));
    const statuses: number[] = [master.status];
    for (const variant of variants) {
      const media = await fetch(new URL(variant, url), { signal: AbortSignal.timeout(10_000) });
      statuses.push(media.status);
      for (const uri of mediaUris(await media.text())) statuses.push((await fetch(new URL(uri, media.url), { signal: AbortSignal.timeout(10_000) })).status);
    }
    console.log(`[faults] full disk during a transcode: ${failedWrites.length} refused writes logged within ${freedAt - filledAt} ms; READY ${recoveryMs} ms after space came back; ${statuses.length} objects fetched`);
    table.record({ fault: 'MinIO full during a transcode', trials: 1, passed: statuses.every((s) => s === 200) ? 1 : 0, worstRecoveryMs: recoveryMs, dataLost: statuses.filter((s) => s !== 200).length, note: `renditions ${done.renditions.map((r: { name: string }) => r.name).join(',')}` });
    expect(variants.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((status) => status === 200), statuses.join(',')).toBe(true);
  });
});
