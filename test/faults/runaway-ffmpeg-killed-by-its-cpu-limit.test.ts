/**
 * A runaway FFmpeg on one whole dev stack (`vora dev` on the file's own ports): the transcoder gets a tiny CPU budget
 * (1 s + 0.25 s per source second, through its own settings), so a real encode of an 8 s 1080p60 clip — which needs
 * tens of CPU seconds — is driven into its `prlimit --cpu` limit. The kernel stops it (SIGXCPU, which FFmpeg turns
 * into exit 255; SIGKILL a second later), the video ends FAILED at the first attempt with a reason naming the limit
 * and the setting to raise, no FFmpeg is left running, and the same worker takes the next video (uploaded right
 * behind it, waiting for the one ladder slot) to READY.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { makeClip } from '../support/media.ts';
import { createVideo, devStackApi, playbackUrl, waitForState, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { FaultTable } from './support/fault-log.ts';
import { s3Of, uploadWhole } from './support/vora-client.ts';

const table = new FaultTable('faults: a runaway FFmpeg (stack on its own ports, transcoder CPU budget 1 s + 0.25 s per source second)');
// 8 s of source → ceil(1 + 8 × 0.25) = 3 CPU seconds per encode; the small clip (2 s) gets 2 s and needs well under one.
const cpuBudget = { TRANSCODE_FFMPEG_CPU_SECONDS: '1', TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND: '0.25' };
let stack: DevStack;
let api: OperatorApi;
let s3: S3Client;
let work: string;
let transcoderPid: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-faults-runaway-'));
  stack = await startDevStack(await testPortOffset(import.meta.url), 300_000, { env: cpuBudget });
  api = devStackApi(stack);
  s3 = s3Of(stack);
  transcoderPid = stack.pids.transcoder!;
});

afterAll(async () => {
  table.print();
  s3?.destroy();
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** FFmpeg processes in the transcoder's process group (prlimit execs FFmpeg, so it keeps the name), by /proc. */
async function transcoderFfmpegs(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const name = /\(([^)]*)\)/.exec(stat)?.[1];
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if ((name === 'ffmpeg' || name === 'prlimit') && pgid === transcoderPid) found.push(Number(entry));
  }
  return found;
}

/** The transcoder's JSON log lines about one video with the given message. */
async function transcoderLogLines(videoId: string, msg: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(stack.home, 'logs', 'transcoder.log'), 'utf8');
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed.videoId === videoId && parsed.msg === msg ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

async function mediaObjects(prefix: string): Promise<number> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'vora-media', Prefix: prefix }));
  return listed.KeyCount ?? 0;
}

describe('a runaway FFmpeg', () => {
  it('is killed by its CPU limit, the video FAILED naming the limit and the fix, and the worker takes the next video', async () => {
    const heavyClip = join(work, 'heavy-1080p60.mp4');
    const smallClip = join(work, 'small.mp4');
    await makeClip(heavyClip, { seconds: 8, size: '1920x1080', rate: 60, preset: 'ultrafast' });
    await makeClip(smallClip, { seconds: 2, size: '320x240', rate: 25, preset: 'ultrafast' });

    await table.trial('FFmpeg over its CPU limit (3 s for an 8 s 1080p60 source)', async () => {
      const heavy = await createVideo(api, 'runaway: 8 s of 1080p60 on a 3 CPU-second budget');
      const small = await createVideo(api, 'after the runaway: 2 s of 240p');
      await uploadWhole(heavy.uploadUrl, await readFile(heavyClip));
      const heavyUploadedAt = performance.now();
      await uploadWhole(small.uploadUrl, await readFile(smallClip));
      const smallUploadedAt = performance.now();

      const failed = await waitForState(api, heavy.id, ['FAILED'], 120_000);
      const failedMs = performance.now() - heavyUploadedAt;
      expect(failed.failureReason).toBe(
        'it is beyond what Vora transcodes: FFmpeg used up its CPU limit (3 s) and was killed — if such sources are expected, raise TRANSCODE_FFMPEG_CPU_SECONDS and TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND on the transcoder',
      );
      // Quickly: 3 CPU seconds, not a retry schedule or a timeout.
      expect(failedMs).toBeLessThan(60_000);
      // One attempt: the stop is non-retryable. FFmpeg catches the soft limit's SIGXCPU and exits 255 (or the hard limit's
      // SIGKILL comes a second later), having used its 3 CPU seconds.
      const kills = await transcoderLogLines(heavy.id, 'ffmpeg stopped by its limit');
      expect(kills).toHaveLength(1);
      const failures = await transcoderLogLines(heavy.id, 'ffmpeg failed');
      expect(failures).toHaveLength(1);
      const died = failures[0]!;
      expect(died.exitCode === 255 || died.signal === 'SIGXCPU' || died.signal === 'SIGKILL', JSON.stringify(died)).toBe(true);
      expect(died.cpuSeconds).toBeGreaterThanOrEqual(2);
      // Nothing stuck or left behind: no FFmpeg of the failed encode, its partial outputs removed.
      expect(await mediaObjects(`${heavy.id}/`)).toBe(0);

      // The same worker process takes the next video through the ladder slot the runaway held.
      const ready = await waitForState(api, small.id, ['READY'], 120_000);
      const readyMs = performance.now() - smallUploadedAt;
      expect(ready.state).toBe('READY');
      expect(stack.pids.transcoder).toBe(transcoderPid);
      expect(() => process.kill(transcoderPid, 0)).not.toThrow();
      expect(await transcoderFfmpegs()).toEqual([]);
      const master = await fetch((await playbackUrl(api, small.id)).url, { signal: AbortSignal.timeout(10_000) });
      expect(master.status).toBe(200);
      const how = `${died.signal ?? `exit ${String(died.exitCode)}`} at ${String(died.cpuSeconds)} CPU s`;
      console.log(`[faults] runaway FFmpeg: FAILED ${(failedMs / 1000).toFixed(1)} s after its upload (${how}); next video READY ${(readyMs / 1000).toFixed(1)} s after its upload`);
      return { trials: 1, passed: 1, worstRecoveryMs: readyMs, dataLost: 0, note: `FAILED in ${(failedMs / 1000).toFixed(1)} s (${how}); next READY in ${(readyMs / 1000).toFixed(1)} s` };
    });
  });
});
