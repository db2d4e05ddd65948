import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '../../stack/paths.ts';
import { run } from '../../stack/exec.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { startTranscode } from '../../transcoder/src/start-transcode.ts';
import { downloadMedia, listMedia, makeClip, processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';

let stack: LadderStack;
let child: ChildProcess | undefined;
const suffix = Date.now().toString(36);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  stack = await startLadderStack(13100);
  const clip = join(stack.dataDir, 'clip.mp4');
  await makeClip(clip, 30, '1280x720');
  await putRaw(stack.s3, `uploads/long-${suffix}`, clip);
});

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
  child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/integration/support/ladder-worker-process.ts')], {
    cwd: repoRoot, env: { ...process.env, ...stack.transcoderEnv }, detached: true, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const startedAt = Date.now();
  const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/long-${suffix}` });

  // Past 40 %: `src` is published (PLAYABLE) and the single pass (360p + 720p + previews) is encoding and uploading.
  let progress = 0;
  while (progress < 0.4) {
    if (Date.now() - startedAt > 180_000) throw new Error(`the encode did not get past 40 % in 180 s (at ${progress})`);
    await sleep(250);
    progress = (await getVideo(stack.sql, videoId))?.progress ?? 0;
  }
  expect((await getVideo(stack.sql, videoId))?.state).toBe('PLAYABLE');
  process.kill(-child.pid!, 'SIGKILL');
  const killedAt = Date.now();
  console.log(`worker killed at progress ${progress.toFixed(2)}, ${killedAt - startedAt} ms after start`);

  await stack.startTranscoder();
  await handle.result();
  console.log(`READY ${Date.now() - killedAt} ms after the kill (heartbeat timeout 20 s + retry backoff + re-encode)`);
  const video = await getVideo(stack.sql, videoId);
  expect(video).toMatchObject({ state: 'READY', progress: 1 });

  const { events } = await handle.fetchHistory();
  const encodeAttempts = (events ?? []).flatMap((event) => event.activityTaskStartedEventAttributes?.attempt ?? []);
  expect(Math.max(...encodeAttempts)).toBeGreaterThanOrEqual(2);

  // Every stored object is one a playlist (or the previews) names: nothing left over from the dead attempt.
  const local = join(stack.dataDir, 'download');
  await downloadMedia(stack.s3, videoId, local);
  const stored = [...(await listMedia(stack.s3, `${videoId}/`)).keys()].sort();
  const expected = ['thumbnail.jpg', 'storyboard.jpg', 'storyboard.vtt'].map((file) => `${videoId}/${file}`);
  for (const name of ['src', '360p', '720p']) {
    const playlist = await readFile(join(local, videoId, name, 'playlist.m3u8'), 'utf8');
    expected.push(`${videoId}/${name}/playlist.m3u8`, `${videoId}/${name}/init.mp4`);
    for (const line of playlist.split('\n')) if (line.endsWith('.m4s')) expected.push(`${videoId}/${name}/${line}`);
    const errors = await run('ffmpeg', ['-v', 'error', '-i', join(local, videoId, name, 'playlist.m3u8'), '-f', 'null', '-'], { timeoutMs: 120_000 });
    expect(errors.trim()).toBe('');
    const duration = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(local, videoId, name, 'playlist.m3u8')]);
    expect(Number(duration)).toBeCloseTo(30, 0);
  }
  expect(stored).toEqual(expected.sort());
});
