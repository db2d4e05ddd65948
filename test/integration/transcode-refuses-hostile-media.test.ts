/**
 * Hostile media through the real transcoder path (MinIO + Temporal + FFmpeg + PGlite, ports + 13200): each file is
 * made here with FFmpeg (never committed), uploaded to vora-raw, and must end FAILED with its named reason after one
 * attempt, nothing left in vora-media. Last, a worker whose FFmpeg has a tiny memory limit: the encode is killed by
 * the kernel's limit and the video FAILED, the worker still taking work.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { startTranscode } from '../../origin/src/workflow/start-transcode.ts';
import { makeClip } from '../support/media.ts';
import { testPorts } from '../support/ports.ts';
import { listMedia, processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';

let stack: LadderStack;
let stopTranscoder: () => Promise<void>;
const suffix = Date.now().toString(36);
const answers: string[] = [];

const ffmpeg = async (args: string[]): Promise<void> => void (await run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { timeoutMs: 120_000 }));

/** Each hostile input: how it is made, and the reason its video must fail with. */
const hostile: Array<{ name: string; file: string; make: (path: string, dir: string) => Promise<void>; reason: RegExp; type: string }> = [
  {
    name: '8192x8192, two frames',
    file: 'huge-frame.mp4',
    make: (path) => ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:size=8192x8192:rate=2:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]),
    reason: /^it is beyond what Vora transcodes: a 8192x8192 picture \(at most 8192 px a side and 36 Mpx\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: '1000 fps',
    file: 'fast.mp4',
    make: (path) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1000:duration=0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]),
    reason: /^it is beyond what Vora transcodes: 1000 frames per second \(at most 240\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: '300 streams',
    file: 'streams.mkv',
    make: (path) => ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10:duration=1', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono:d=1',
      '-map', '0:v', ...Array.from({ length: 299 }, () => ['-map', '1:a']).flat(), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'pcm_s16le', '-t', '1', path,
    ]),
    reason: /^it is beyond what Vora transcodes: 300 streams \(at most 64\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: '1 MiB of metadata',
    file: 'metadata.mkv',
    make: async (path, dir) => {
      const metadata = join(dir, 'metadata.txt');
      writeFileSync(metadata, `;FFMETADATA1\ncomment=${'x'.repeat(1024 * 1024)}\n`);
      await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=1', '-i', metadata, '-map_metadata', '1', '-c:v', 'libx264', '-preset', 'ultrafast', path]);
    },
    reason: /^it is beyond what Vora transcodes: 1\.0 MiB of metadata \(at most 0\.3 MiB\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: '20 MiB attachment',
    file: 'attachment.mkv',
    make: async (path, dir) => {
      const blob = join(dir, 'font.bin');
      writeFileSync(blob, randomBytes(20 * 1024 * 1024));
      await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=1', '-attach', blob, '-metadata:s:t', 'mimetype=application/x-truetype-font', '-c:v', 'libx264', '-preset', 'ultrafast', path]);
    },
    reason: /^it is beyond what Vora transcodes: 20\.0 MiB of attachments \(at most 16\.0 MiB\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: 'two frames ten hours apart',
    file: 'long-claim.mp4',
    make: (path) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1:duration=2', '-vf', 'setpts=N*36000/TB', '-vsync', 'passthrough', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]),
    reason: /^it is beyond what Vora transcodes: a claimed 36\d{3} s in \d+ bytes \(0\.\d bytes\/s; a real video has at least 125\)$/,
    type: 'SourceBeyondLimits',
  },
  {
    name: 'audio only (AAC in MP4)',
    file: 'audio.m4a',
    make: (path) => ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'aac', path]),
    reason: /^it has no video stream \(format mov,mp4,m4a,3gp,3g2,mj2, streams: audio\/aac\)$/,
    type: 'SourceNotAVideo',
  },
  {
    name: 'a still image (PNG)',
    file: 'still.png',
    make: (path) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:duration=1', '-frames:v', '1', path]),
    reason: /^it is a still image \(png_pipe\), not a video$/,
    type: 'SourceNotAVideo',
  },
];

beforeAll(async () => {
  stack = await startLadderStack(await testPorts(import.meta.url));
  stopTranscoder = await stack.startTranscoder();
  const made = Date.now();
  for (const input of hostile) {
    const path = join(stack.dataDir, input.file);
    await input.make(path, stack.dataDir);
    await putRaw(stack.s3, `uploads/${input.file}-${suffix}`, path);
  }
  console.log(`hostile inputs made and stored in ${Date.now() - made} ms`);
});

afterAll(async () => {
  console.log(`bad inputs and their answers:\n${answers.join('\n')}`);
  await stack?.stop();
});

/** Runs `video-{id}` to its end; the workflow failure, the video row and how many attempts its activities took. */
async function transcodeToFailure(videoId: string, sourceKey: string) {
  await processingVideo(stack.sql, videoId);
  const startedAt = Date.now();
  const { handle } = await startTranscode(stack.client, { videoId, sourceKey });
  const failure = await handle.result().then(() => undefined, (error: unknown) => error);
  const ms = Date.now() - startedAt;
  const { events } = await handle.fetchHistory();
  const retries = (events ?? []).filter((event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length;
  return { failure, video: await getVideo(stack.sql, videoId), ms, retries };
}

describe('hostile media ends FAILED with a named reason, at the first attempt, nothing stored', () => {
  for (const input of hostile) {
    it(input.name, async () => {
      const videoId = `vid_hostile_${input.file.replace(/\W/g, '_')}_${suffix}`;
      const { failure, video, ms, retries } = await transcodeToFailure(videoId, `uploads/${input.file}-${suffix}`);
      answers.push(`${input.name.padEnd(30)} ${video?.state} in ${ms} ms: ${video?.failureReason}`);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toMatchObject({ nonRetryable: true, type: input.type });
      expect(video?.state).toBe('FAILED');
      expect(video?.failureReason).toMatch(input.reason);
      expect(retries).toBe(0);
      expect((await listMedia(stack.s3, `${videoId}/`)).size).toBe(0);
    });
  }
});

describe('FFmpeg over its memory limit', () => {
  it('is killed by the limit, the video FAILED naming it, and the worker takes the next video', async () => {
    await stopTranscoder();
    const tenBit = join(stack.dataDir, 'ten-bit.mp4');
    await makeClip(tenBit, { seconds: 4, size: '1280x720', videoArgs: ['-pix_fmt', 'yuv420p10le'] }); // not standard input: it must be encoded
    await putRaw(stack.s3, `uploads/ten-bit-${suffix}`, tenBit);
    stack.transcoderEnv.TRANSCODE_FFMPEG_MEMORY_MB = '48';
    await stack.startTranscoder();
    const videoId = `vid_memory_${suffix}`;
    const { failure, video, ms } = await transcodeToFailure(videoId, `uploads/ten-bit-${suffix}`);
    answers.push(`${'FFmpeg limited to 48 MiB'.padEnd(30)} ${video?.state} in ${ms} ms: ${video?.failureReason}`);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ nonRetryable: true, type: 'SourceBeyondLimits' });
    expect(video?.failureReason).toBe('it is beyond what Vora transcodes: FFmpeg needed more than its memory limit (48 MiB) — if such sources are expected, raise TRANSCODE_FFMPEG_MEMORY_MB on the transcoder');
    // The same worker goes on: a text file is refused by the probe as usual.
    writeFileSync(join(stack.dataDir, 'notes.txt'), 'not a video\n'.repeat(100));
    await putRaw(stack.s3, `uploads/notes-${suffix}`, join(stack.dataDir, 'notes.txt'));
    const next = await transcodeToFailure(`vid_after_memory_${suffix}`, `uploads/notes-${suffix}`);
    expect(next.video?.failureReason).toMatch(/^it is not a video FFmpeg can read/);
  });
});
