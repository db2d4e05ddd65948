import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../stack/exec.ts';
import { listRenditions } from '../../origin/src/db/renditions.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { masterRenditions } from '../../origin/src/gateway/master-playlist.ts';
import { startTranscode } from '../../origin/src/workflow/start-transcode.ts';
import { makeClip } from '../support/media.ts';
import { downloadMedia, expectOnlyNamedObjects, listMedia, processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';
import { activityResult, activityTimes, historySteps } from './support/workflow-history.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

let stack: LadderStack;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  const startedAt = Date.now();
  stack = await startLadderStack(await testPorts(import.meta.url));
  await stack.startTranscoder();
  console.log(`MinIO + Temporal + workers ready in ${Date.now() - startedAt} ms`);
  const clip = join(stack.dataDir, 'clip.mp4');
  await makeClip(clip, { seconds: 8, size: '1280x720' });
  await putRaw(stack.s3, `uploads/clip-${suffix}`, clip);
  const longer = join(stack.dataDir, 'longer.mp4');
  await makeClip(longer, { seconds: 20, size: '1280x720' });
  await putRaw(stack.s3, `uploads/longer-${suffix}`, longer);
  const tenBit = join(stack.dataDir, 'ten-bit.mp4');
  await makeClip(tenBit, { seconds: 8, size: '1280x720', videoArgs: ['-pix_fmt', 'yuv420p10le'] });
  await putRaw(stack.s3, `uploads/ten-bit-${suffix}`, tenBit);
  // Key frames every 2 s for the first 30 s (what the probe scans), then none until the end at 45 s.
  const lateGop = join(stack.dataDir, 'late-gop.mp4');
  await makeClip(lateGop, { seconds: 45, size: '320x240', videoArgs: ['-pix_fmt', 'yuv420p', '-g', '9999', '-sc_threshold', '0', '-force_key_frames', 'expr:lt(t,30)*gte(t,n_forced*2)'] });
  await putRaw(stack.s3, `uploads/late-gop-${suffix}`, lateGop);
  const text = join(stack.dataDir, 'notes.txt');
  writeFileSync(text, 'These are meeting notes, not a video.\n'.repeat(50));
  await putRaw(stack.s3, `uploads/text-${suffix}`, text);
});

afterAll(async () => {
  await stack?.stop();
});

const ffprobeJson = async (path: string, entries: string) =>
  JSON.parse(await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_entries', entries, path], { timeoutMs: 60_000 }));
/** A full decode of a playlist and every segment it names: FFmpeg's complaints, none expected. */
const decodeErrors = (playlistPath: string) => run('ffmpeg', ['-v', 'error', '-i', playlistPath, '-f', 'null', '-'], { timeoutMs: 120_000 });
const segmentDurations = (playlist: string) => [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));

describe('a standard 8 s 1280x720 H.264/AAC clip', () => {
  const videoId = `vid_clip_${suffix}`;

  it('is PLAYABLE through `src` (the source stream-copied), then READY with 360p and 720p (no 1080p upscale), thumbnail and storyboard', async () => {
    await processingVideo(stack.sql, videoId);
    const startedAt = Date.now();
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/clip-${suffix}` });
    const { state } = await waitFor(async () => {
      const current = (await getVideo(stack.sql, videoId))?.state;
      return current === 'PROCESSING' ? undefined : { state: current };
    }, { what: `${videoId} to leave PROCESSING`, timeoutMs: 100_000, everyMs: 50 });
    // The moment it turned PLAYABLE, `src` was what the master had to offer.
    expect(state === 'PLAYABLE' || state === 'READY').toBe(true);
    expect((await listRenditions(stack.sql, videoId)).map((r) => r.name)).toContain('src');
    console.log(`8 s 720p standard clip: upload-done → ${state} in ${Date.now() - startedAt} ms`);
    const result = await handle.result();
    console.log(`8 s 720p standard clip: upload-done → READY in ${Date.now() - startedAt} ms`);
    expect(result.renditions.map((r) => r.name)).toEqual(['360p', '720p']);
    expect(result.standardInput).toEqual({ standard: true, codecs: expect.stringMatching(/^avc1\.64001f,mp4a\.40\.2$/) });
    expect(await historySteps(handle)).not.toContain('scheduled:encodeFirstRung');

    const video = await getVideo(stack.sql, videoId);
    expect(video).toMatchObject({ state: 'READY', progress: 1, thumbnailKey: `${videoId}/thumbnail.jpg`, failureReason: null });
    expect(video!.durationSeconds).toBeCloseTo(8, 1);
    expect(stack.events.filter((e) => e.videoId === videoId).map((e) => e.state)).toEqual(['PLAYABLE', 'READY']);

    const rows = await listRenditions(stack.sql, videoId);
    expect(rows.map((r) => [r.name, r.width, r.height, r.codecs, r.frameRate]).sort()).toEqual([
      ['360p', 640, 360, 'avc1.64001e,mp4a.40.2', 30],
      ['720p', 1280, 720, 'avc1.64001f,mp4a.40.2', 30],
      ['src', 1280, 720, 'avc1.64001f,mp4a.40.2', 30],
    ]);
    for (const row of rows) {
      expect(row.bandwidth).toBeGreaterThanOrEqual(row.averageBandwidth!);
      expect(row.playlistKey).toBe(`${videoId}/${row.name}/playlist.m3u8`);
    }
    // src was published (recorded) before the ladder: it is what made the video PLAYABLE; the master now lists the ladder.
    const publishedAt = (name: string) => rows.find((r) => r.name === name)!.publishedAt.getTime();
    expect(publishedAt('src')).toBeLessThanOrEqual(publishedAt('360p'));
    expect(masterRenditions(rows, 'READY').map((r) => r.name).sort()).toEqual(['360p', '720p']);

    for (const key of ['thumbnail.jpg', 'storyboard.jpg', 'storyboard.vtt']) {
      const head = await stack.s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: `${videoId}/${key}` }));
      expect(head.ContentLength).toBeGreaterThan(0);
    }

    const local = join(stack.dataDir, 'download');
    await downloadMedia(stack.s3, videoId, local);
    expect((await readFile(join(local, videoId, 'storyboard.vtt'), 'utf8')).split('#xywh=').length - 1).toBe(8);
    const thumb = await ffprobeJson(join(local, videoId, 'thumbnail.jpg'), 'stream=codec_name,width,height');
    expect(thumb.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 });
    // src objects stay after READY (players that hold `src` keep playing it) and decode whole.
    const srcPlaylist = await readFile(join(local, videoId, 'src', 'playlist.m3u8'), 'utf8');
    expect(srcPlaylist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(srcPlaylist).toContain('#EXT-X-ENDLIST');
    expect(segmentDurations(srcPlaylist).reduce((a, b) => a + b, 0)).toBeCloseTo(8, 0);
    expect((await decodeErrors(join(local, videoId, 'src', 'playlist.m3u8'))).trim()).toBe('');
    for (const row of rows.filter((r) => r.name !== 'src')) {
      const playlistPath = join(local, row.playlistKey);
      const playlist = await readFile(playlistPath, 'utf8');
      expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
      expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      expect(segmentDurations(playlist)).toEqual([4, 4]);
      const probe = await ffprobeJson(playlistPath, 'format=duration:stream=codec_name,width,height,profile');
      expect(Number(probe.format.duration)).toBeCloseTo(8, 0);
      expect(probe.streams.map((s: { codec_name: string }) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      // a full decode, not just a header read
      expect((await decodeErrors(playlistPath)).trim()).toBe('');
    }
    // keyframes at 0, 4 s in both rungs: aligned segments
    for (const row of rows.filter((r) => r.name !== 'src')) {
      // JSON, not CSV: a key frame with side data prints an extra CSV line that would read as a 0.
      const frames = JSON.parse(await run('ffprobe', ['-v', 'error', '-skip_frame', 'nokey', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'json', join(local, row.playlistKey)])) as { frames: { pts_time: string }[] };
      expect(frames.frames.map((frame) => Math.round(Number(frame.pts_time)))).toEqual([0, 4]);
    }
    await expectOnlyNamedObjects(stack.s3, videoId, local, ['src', '360p', '720p']);
  });

  it('a second start of the same video is a no-op', async () => {
    const again = await startTranscode(stack.client, { videoId, sourceKey: `uploads/clip-${suffix}` });
    expect(again.started).toBe(false);
  });
});

describe('a 10-bit H.264 clip (not standard input)', () => {
  it('is PLAYABLE on the first stored segment of a progressive 360p, then READY; every segment written once', async () => {
    const videoId = `vid_tenbit_${suffix}`;
    await processingVideo(stack.sql, videoId);
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/ten-bit-${suffix}` });
    const result = await handle.result();
    expect(result.standardInput).toMatchObject({ standard: false, reasons: expect.arrayContaining([expect.stringMatching(/pixel format yuv420p10le is not 8-bit 4:2:0/)]) });
    expect(result.renditions.map((r) => r.name)).toEqual(['360p', '720p']);
    expect(stack.events.filter((e) => e.videoId === videoId).map((e) => e.state)).toEqual(['PLAYABLE', 'READY']);
    // The first segment was announced while the first rung was still encoding, and PLAYABLE followed from it.
    const steps = await historySteps(handle);
    expect(steps).not.toContain('scheduled:publishSource');
    expect(steps.indexOf('signal:firstSegmentStored')).toBeGreaterThan(steps.indexOf('scheduled:encodeFirstRung'));
    expect(steps.indexOf('signal:firstSegmentStored')).toBeLessThan(steps.indexOf('completed:encodeFirstRung'));
    expect(steps.indexOf('scheduled:markPlayable')).toBeLessThan(steps.indexOf('completed:encodeRenditions'));

    const rows = await listRenditions(stack.sql, videoId);
    expect(rows.map((r) => r.name).sort()).toEqual(['360p', '720p']);
    // Recorded at PLAYABLE with its planned peak, then given the measured one.
    expect(rows.find((r) => r.name === '360p')).toMatchObject({ bandwidth: result.renditions[0]!.bandwidth, averageBandwidth: result.renditions[0]!.averageBandwidth });

    const local = join(stack.dataDir, 'download');
    await downloadMedia(stack.s3, videoId, local);
    const progressive = await readFile(join(local, videoId, '360p', 'playlist.m3u8'), 'utf8');
    expect(progressive).toMatch(/#EXT-X-PLAYLIST-TYPE:EVENT\n[^]*#EXT-X-START:TIME-OFFSET=0\n[^]*#EXT-X-ENDLIST/);
    for (const name of ['360p', '720p']) {
      const playlistPath = join(local, videoId, name, 'playlist.m3u8');
      expect(segmentDurations(await readFile(playlistPath, 'utf8'))).toEqual([4, 4]);
      expect((await decodeErrors(playlistPath)).trim()).toBe('');
    }
    await expectOnlyNamedObjects(stack.s3, videoId, local, ['360p', '720p']);
  });
});

describe('a clip that looks standard in its first 30 s but has no key frame after that', () => {
  it('abandons the stream copy (its segments removed, nothing published) and becomes PLAYABLE through the first rung instead', async () => {
    const videoId = `vid_lategop_${suffix}`;
    await processingVideo(stack.sql, videoId);
    const { handle } = await startTranscode(stack.client, { videoId, sourceKey: `uploads/late-gop-${suffix}` });
    const result = await handle.result();
    expect(result.standardInput).toMatchObject({ standard: true });
    expect(await activityResult(handle, 'publishSource')).toMatchObject({ published: false, reason: expect.stringMatching(/key frames more than 10 s apart/) });
    expect((await historySteps(handle)).filter((step) => step.startsWith('completed:'))).toEqual(expect.arrayContaining(['completed:publishSource', 'completed:encodeFirstRung', 'completed:encodeRenditions']));
    expect(result.renditions.map((r) => r.name)).toEqual(['360p']);
    expect(stack.events.filter((e) => e.videoId === videoId).map((e) => e.state)).toEqual(['PLAYABLE', 'READY']);
    expect((await listRenditions(stack.sql, videoId)).map((r) => r.name)).toEqual(['360p']);
    const local = join(stack.dataDir, 'download');
    await downloadMedia(stack.s3, videoId, local);
    expect((await decodeErrors(join(local, videoId, '360p', 'playlist.m3u8'))).trim()).toBe('');
    await expectOnlyNamedObjects(stack.s3, videoId, local, ['360p']);
  });
});

describe('uploads that queue', () => {
  it('a second upload is PLAYABLE while the first one\'s single pass still runs, and its own single pass waits for the ladder slot', async () => {
    const first = `vid_queue_a_${suffix}`;
    const second = `vid_queue_b_${suffix}`;
    await processingVideo(stack.sql, first);
    await processingVideo(stack.sql, second);
    const a = (await startTranscode(stack.client, { videoId: first, sourceKey: `uploads/longer-${suffix}` })).handle;
    // Wait for the first video's single pass to be running on its worker.
    await waitFor(async () => {
      const pending = (await a.describe()).raw.pendingActivities ?? [];
      return pending.some((activity) => activity.activityType?.name === 'encodeRenditions' && activity.lastStartedTime);
    }, { what: 'the first video\'s single pass to start', timeoutMs: 60_000 });
    const b = (await startTranscode(stack.client, { videoId: second, sourceKey: `uploads/clip-${suffix}` })).handle;
    await Promise.all([a.result(), b.result()]);
    const times = async (id: string) => (await stack.sql.query<{ playable_at: Date; ready_at: Date }>('SELECT playable_at, ready_at FROM videos WHERE id = $1', [id])).rows[0]!;
    const [firstTimes, secondTimes] = [await times(first), await times(second)];
    console.log(`queue: second PLAYABLE ${new Date(firstTimes.ready_at).getTime() - new Date(secondTimes.playable_at).getTime()} ms before the first was READY`);
    expect(new Date(secondTimes.playable_at).getTime()).toBeLessThan(new Date(firstTimes.ready_at).getTime());
    // One ladder slot per worker: the second single pass started only once the first had finished (the freed slot
    // may poll while the first completion is still on its way to the server, hence the second of slack).
    const [ladderA, ladderB] = [await activityTimes(a, 'encodeRenditions'), await activityTimes(b, 'encodeRenditions')];
    expect(ladderB.started!.getTime()).toBeGreaterThanOrEqual(ladderA.completed!.getTime() - 1_000);
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
