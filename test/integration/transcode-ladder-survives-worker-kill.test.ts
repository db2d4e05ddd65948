import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../stack/paths.ts';
import { run } from '../../stack/exec.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { startTranscode } from '../../origin/src/workflow/start-transcode.ts';
import { makeClip } from '../support/media.ts';
import { downloadMedia, expectOnlyNamedObjects, processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

let stack: LadderStack;
let child: ChildProcess | undefined;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  stack = await startLadderStack(await testPorts(import.meta.url));
  const clip = join(stack.dataDir, 'clip.mp4');
  await makeClip(clip, { seconds: 30, size: '1280x720' });
  await putRaw(stack.s3, `uploads/long-${suffix}`, clip);
  // A key frame every 2.5 s: 10 s chunks start on source key frames, but their joins fall mid-segment and mid-AAC-frame.
  const gop = join(stack.dataDir, 'gop.mp4');
  await makeClip(gop, { seconds: 30, size: '1280x720', videoArgs: ['-pix_fmt', 'yuv420p', '-g', '75', '-keyint_min', '75', '-sc_threshold', '0'] });
  await putRaw(stack.s3, `uploads/gop-${suffix}`, gop);
});

/** Starts a transcode worker in its own process group (it and its FFmpeg die together when killed). */
function workerProcess(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/support/ladder-worker-process.ts')], {
    cwd: repoRoot, env: { ...process.env, ...stack.transcoderEnv }, detached: true, stdio: ['ignore', 'inherit', 'inherit'],
  });
}

afterAll(async () => {
  // The child leads its own process group (it and its ffmpeg): signalled by PID, never by name.
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await stack?.stop();
});

it('a worker SIGKILLed mid-encode: another attempt finishes, READY, no stray or partial objects', { timeout: 300_000 }, async () => {
  const videoId = `vid_kill_${suffix}`;
  await processingVideo(stack.sql, videoId);
  child = workerProcess();
  const startedAt = Date.now();
  const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/long-${suffix}` });

  // `src` is published (PLAYABLE) and the single pass (360p + 720p + previews) is running: started and heartbeating.
  // (Progress alone was not enough: on a quiet box it was first seen at 0.93 and the pass finished before the kill.)
  await waitFor(async () => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    return pending.some((activity) => activity.activityType?.name === 'encodeRenditions' && activity.lastStartedTime && activity.lastHeartbeatTime);
  }, { what: 'the single pass to start encoding (started and heartbeating)', timeoutMs: 180_000 });
  const progress = (await getVideo(stack.sql, videoId))?.progress ?? 0;
  expect((await getVideo(stack.sql, videoId))?.state).toBe('PLAYABLE');
  process.kill(-child.pid!, 'SIGKILL');
  const killedAt = Date.now();
  console.log(`worker killed at progress ${progress.toFixed(2)}, ${killedAt - startedAt} ms after start`);

  const stopReplacement = await stack.startTranscoder();
  await handle.result();
  await stopReplacement(); // the next test needs its chunks on a worker it can kill
  console.log(`READY ${Date.now() - killedAt} ms after the kill (heartbeat timeout 20 s + retry backoff + re-encode)`);
  const video = await getVideo(stack.sql, videoId);
  expect(video).toMatchObject({ state: 'READY', progress: 1 });

  const { events } = await handle.fetchHistory();
  const encodeAttempts = (events ?? []).flatMap((event) => event.activityTaskStartedEventAttributes?.attempt ?? []);
  expect(Math.max(...encodeAttempts)).toBeGreaterThanOrEqual(2);

  // Every stored object is one a playlist (or the previews) names: nothing left over from the dead attempt.
  const local = join(stack.dataDir, 'download');
  await downloadMedia(stack.s3, videoId, local);
  for (const name of ['src', '360p', '720p']) {
    const errors = await run('ffmpeg', ['-v', 'error', '-i', join(local, videoId, name, 'playlist.m3u8'), '-f', 'null', '-'], { timeoutMs: 120_000 });
    expect(errors.trim()).toBe('');
    const duration = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(local, videoId, name, 'playlist.m3u8')]);
    expect(Number(duration)).toBeCloseTo(30, 0);
  }
  await expectOnlyNamedObjects(stack.s3, videoId, local, ['src', '360p', '720p']);
});

it('a chunked encode whose worker is SIGKILLed mid-chunk: the chunk is retried elsewhere, READY, and the joined playlists play through every join', { timeout: 300_000 }, async () => {
  const videoId = `vid_chunks_${suffix}`;
  await processingVideo(stack.sql, videoId);
  child = workerProcess();
  const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/gop-${suffix}`, chunkSeconds: 10 });
  await waitFor(async () => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    return pending.some((activity) => activity.activityType?.name === 'encodeChunk' && activity.lastStartedTime && activity.lastHeartbeatTime);
  }, { what: 'a chunk to start encoding (started and heartbeating)', timeoutMs: 180_000 });
  process.kill(-child.pid!, 'SIGKILL');
  await stack.startTranscoder();
  const result = await handle.result();
  expect(result.renditions.map((r) => r.name)).toEqual(['360p', '720p']);
  expect((await getVideo(stack.sql, videoId))).toMatchObject({ state: 'READY', progress: 1 });
  const { events } = await handle.fetchHistory();
  const chunkAttempts = (events ?? []).flatMap((event) => event.activityTaskStartedEventAttributes?.attempt ?? []);
  expect(Math.max(...chunkAttempts)).toBeGreaterThanOrEqual(2);

  const local = join(stack.dataDir, 'download-chunks');
  await downloadMedia(stack.s3, videoId, local);
  const keyframesOf: number[][] = [];
  for (const name of ['360p', '720p']) {
    const playlistPath = join(local, videoId, name, 'playlist.m3u8');
    const playlist = await readFile(playlistPath, 'utf8');
    expect(playlist).not.toContain('DISCONTINUITY');
    // Three chunks (0–10, 10–20, 20–30 s), each cut into 4 s segments from its own start.
    expect(playlist.split('\n').filter((line) => line.endsWith('.m4s')).map((line) => line.slice(4, 7))).toEqual(['000', '000', '000', '001', '001', '001', '002', '002', '002']);
    expect([...playlist.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Math.round(Number(m[1]) * 10) / 10)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    expect((await run('ffmpeg', ['-v', 'error', '-i', playlistPath, '-f', 'null', '-'], { timeoutMs: 120_000 })).trim()).toBe('');
    // Timestamps run on across every join: decode times always forward; video presentation frame after frame; audio
    // without overlap and with at most one AAC frame missing (a join that is not a whole number of AAC frames).
    const packets = (await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,pts_time,dts_time', '-of', 'csv=p=0', playlistPath], { timeoutMs: 60_000 }))
      .trim().split('\n').map((line) => line.split(',').map(Number) as [number, number, number]);
    for (const stream of [0, 1]) {
      const ofStream = packets.filter(([index]) => index === stream);
      const decodeSteps = ofStream.slice(1).map(([, , dts], i) => dts - ofStream[i]![2]);
      expect(Math.min(...decodeSteps), `${name} stream ${stream} decode order`).toBeGreaterThan(0);
      const shown = ofStream.map(([, pts]) => pts).sort((a, b) => a - b).map((time, _, all) => time - all[0]!);
      const steps = shown.slice(1).map((time, i) => time - shown[i]!);
      expect(Math.min(...steps), `${name} stream ${stream}`).toBeGreaterThan(0);
      expect(Math.max(...steps), `${name} stream ${stream}`).toBeLessThan(stream === 0 ? 1.5 / 30 : 2.05 * (1024 / 48_000));
      expect(shown.at(-1)!, `${name} stream ${stream}`).toBeGreaterThan(29.9);
    }
    const keyframes = JSON.parse(await run('ffprobe', ['-v', 'error', '-skip_frame', 'nokey', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'json', playlistPath])) as { frames: { pts_time: string }[] };
    const times = keyframes.frames.map((frame) => Number(frame.pts_time));
    keyframesOf.push(times.map((t) => Math.round((t - times[0]!) * 10) / 10));
  }
  // Both rungs cut at the same instants: a player can switch between them at any segment.
  expect(keyframesOf[0]).toEqual(keyframesOf[1]);
  expect(keyframesOf[0]).toEqual([0, 4, 8, 10, 14, 18, 20, 24, 28]);
  await expectOnlyNamedObjects(stack.s3, videoId, local, ['src', '360p', '720p']);
});
