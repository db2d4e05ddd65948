import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { listRenditions } from '../../origin/src/db/renditions.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { startTranscode } from '../../origin/src/workflow/start-transcode.ts';
import { downloadMedia, listMedia, makeClip, processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';

let stack: LadderStack;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  const startedAt = Date.now();
  stack = await startLadderStack(13000);
  await stack.startTranscoder();
  console.log(`MinIO + Temporal + workers ready in ${Date.now() - startedAt} ms`);
  const clip = join(stack.dataDir, 'clip.mp4');
  await makeClip(clip, 8, '1280x720');
  await putRaw(stack.s3, `uploads/clip-${suffix}`, clip);
  const text = join(stack.dataDir, 'notes.txt');
  writeFileSync(text, 'These are meeting notes, not a video.\n'.repeat(50));
  await putRaw(stack.s3, `uploads/text-${suffix}`, text);
});

afterAll(async () => {
  await stack?.stop();
});

const ffprobeJson = async (path: string, entries: string) =>
  JSON.parse(await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_entries', entries, path], { timeoutMs: 60_000 }));

describe('an 8 s 1280x720 clip in vora-raw', () => {
  const videoId = `vid_clip_${suffix}`;

  it('reaches READY through PLAYABLE with 360p and 720p (no 1080p upscale), a thumbnail and a storyboard', async () => {
    await processingVideo(stack.sql, videoId);
    const startedAt = Date.now();
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/clip-${suffix}` });
    const result = await handle.result();
    console.log(`8 s 720p clip: upload-done → READY in ${Date.now() - startedAt} ms`);
    expect(result.renditions.map((r) => r.name)).toEqual(['360p', '720p']);

    const video = await getVideo(stack.sql, videoId);
    expect(video).toMatchObject({ state: 'READY', progress: 1, thumbnailKey: `${videoId}/thumbnail.jpg`, failureReason: null });
    expect(video!.durationSeconds).toBeCloseTo(8, 1);
    expect(stack.events.filter((e) => e.videoId === videoId).map((e) => e.state)).toEqual(['PLAYABLE', 'READY']);

    const rows = await listRenditions(stack.sql, videoId);
    expect(rows.map((r) => [r.name, r.width, r.height, r.codecs, r.frameRate])).toEqual([
      ['720p', 1280, 720, 'avc1.64001f,mp4a.40.2', 30],
      ['360p', 640, 360, 'avc1.64001e,mp4a.40.2', 30],
    ]);
    for (const row of rows) {
      expect(row.bandwidth).toBeGreaterThanOrEqual(row.averageBandwidth!);
      expect(row.playlistKey).toBe(`${videoId}/${row.name}/playlist.m3u8`);
    }
    // 360p was published (recorded) before 720p: it is what made the video PLAYABLE
    expect(rows.find((r) => r.name === '360p')!.publishedAt.getTime()).toBeLessThanOrEqual(rows.find((r) => r.name === '720p')!.publishedAt.getTime());

    for (const key of ['thumbnail.jpg', 'storyboard.jpg', 'storyboard.vtt']) {
      const head = await stack.s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: `${videoId}/${key}` }));
      expect(head.ContentLength).toBeGreaterThan(0);
    }

    const local = join(stack.dataDir, 'download');
    await downloadMedia(stack.s3, videoId, local);
    expect((await readFile(join(local, videoId, 'storyboard.vtt'), 'utf8')).split('#xywh=').length - 1).toBe(8);
    const thumb = await ffprobeJson(join(local, videoId, 'thumbnail.jpg'), 'stream=codec_name,width,height');
    expect(thumb.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 });
    for (const row of rows) {
      const playlistPath = join(local, row.playlistKey);
      const playlist = await readFile(playlistPath, 'utf8');
      expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      const durations = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
      expect(durations).toEqual([4, 4]);
      const probe = await ffprobeJson(playlistPath, 'format=duration:stream=codec_name,width,height,profile');
      expect(Number(probe.format.duration)).toBeCloseTo(8, 0);
      expect(probe.streams.map((s: { codec_name: string }) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      // a full decode, not just a header read
      const errors = await run('ffmpeg', ['-v', 'error', '-i', playlistPath, '-f', 'null', '-'], { timeoutMs: 60_000 });
      expect(errors.trim()).toBe('');
    }
    // keyframes at 0, 4 s in both rungs: aligned segments
    for (const row of rows) {
      const frames = await run('ffprobe', ['-v', 'error', '-skip_frame', 'nokey', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', join(local, row.playlistKey)]);
      expect(frames.trim().split('\n').map(Number).filter(Number.isFinite).map(Math.round)).toEqual([0, 4]);
    }
  });

  it('a second start of the same video is a no-op', async () => {
    const again = await startTranscode(stack.client, { videoId, sourceKey: `uploads/clip-${suffix}` });
    expect(again.started).toBe(false);
  });
});

describe('sources that cannot be transcoded', () => {
  it('a text file → FAILED with its reason at once, nothing left in vora-media', async () => {
    const videoId = `vid_text_${suffix}`;
    await processingVideo(stack.sql, videoId);
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/text-${suffix}` });
    const failure = await handle.result().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ nonRetryable: true, type: 'SourceNotAVideo' });
    const video = await getVideo(stack.sql, videoId);
    // Read over http there is no .txt extension to go by: FFmpeg's own words, naming neither the signed URL nor the key.
    const reason = 'it is not a video FFmpeg can read (the uploaded file: Invalid data found when processing input)';
    expect(video).toMatchObject({ state: 'FAILED', failureReason: reason });
    expect(stack.events.filter((e) => e.videoId === videoId)).toMatchObject([{ state: 'FAILED', type: 'video.failed', reason }]);
    const { events } = await handle.fetchHistory();
    expect((events ?? []).filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1)).toEqual([]);
    expect((await listMedia(stack.s3, `${videoId}/`)).size).toBe(0);
  });

  it('a clip longer than the video allows → FAILED with both durations', async () => {
    const videoId = `vid_long_${suffix}`;
    await processingVideo(stack.sql, videoId, 5);
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/clip-${suffix}` });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const video = await getVideo(stack.sql, videoId);
    expect(video?.state).toBe('FAILED');
    expect(video?.failureReason).toMatch(/^it is 8\.0 s long, longer than the 5\.0 s this video allows/);
    expect((await listMedia(stack.s3, `${videoId}/`)).size).toBe(0);
  });

  it('a missing raw object → FAILED as not found, never retried', async () => {
    const videoId = `vid_gone_${suffix}`;
    await processingVideo(stack.sql, videoId);
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/never-uploaded-${suffix}` });
    const failure = await handle.result().then(() => undefined, (error: unknown) => error);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'SourceNotFound' });
    expect((await getVideo(stack.sql, videoId))?.state).toBe('FAILED');
  });
});
