// A valid token for a video with nothing published yet is a 4xx the player can act on, never a 502.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiErrorBody, errorBody } from '../../contracts/http.ts';
import { boundedRetryAfter, MAX_RETRY_AFTER_SECONDS } from '../../edge/src/playback/origin-refusal.ts';
import { PROCESSING_MESSAGE, retryDelayMs, waitUntilPlayable } from '../../edge/public/player/playable.js';
import { edgeFetch } from './helpers.ts';
import { clearNodes, makeSigner, MASTER, MEDIA, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('not-playable-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
  await clearNodes();
  await registerNode('cdn-a');
});
afterEach(() => vi.restoreAllMocks());

const errorOf = async (response: Response) => ApiErrorBody.parse(await response.json()).error;
/** What the origin gateway answers for a video that is PROCESSING (origin/src/gateway/serve-master.ts). */
const gatewayNotReady = (videoId: string, retryAfter = '2') => () =>
  Response.json(errorBody('not_ready', `video ${videoId} is PROCESSING and has no published rendition yet`), { status: 409, headers: { 'Retry-After': retryAfter, 'Cache-Control': 'no-store' } });
const fetchAs = async (videoId: string, path: string) => edgeFetch(`/v/${await signer.sign({ sub: videoId })}/${path}`);

describe('a video with nothing published yet', () => {
  it('is 409 not_playable_yet with Retry-After and no-store, not 502', async () => {
    const video = uniqueVideo('processing');
    mockOrigin({ [`/media/${video}/master.m3u8`]: gatewayNotReady(video, '3') });
    const response = await fetchAs(video, 'master.m3u8');
    expect(response.status).toBe(409);
    expect(response.headers.get('Retry-After')).toBe('3');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const error = await errorOf(response);
    expect(error.code).toBe('not_playable_yet');
    expect(error.message).toMatch(/still processing.*try again in 3 s/);
  });

  it('a FAILED video stays 409 video_failed with the origin\'s reason', async () => {
    const video = uniqueVideo('failed');
    mockOrigin({ [`/media/${video}/master.m3u8`]: () => Response.json(errorBody('video_failed', `video ${video} failed: not a video file`), { status: 409 }) });
    const response = await fetchAs(video, 'master.m3u8');
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({ code: 'video_failed', message: `video ${video} failed: not a video file` });
  });

  it('a 409 without the gateway\'s error body, or with another code, is still the origin failing (502)', async () => {
    const video = uniqueVideo('odd-409');
    mockOrigin({
      [`/media/${video}/master.m3u8`]: () => new Response('<html>conflict</html>', { status: 409 }),
      [`/media/${video}/720p/playlist.m3u8`]: () => Response.json(errorBody('conflict', 'something else'), { status: 409 }),
    });
    for (const path of ['master.m3u8', '720p/playlist.m3u8']) {
      const response = await fetchAs(video, path);
      expect(response.status, path).toBe(502);
      expect((await errorOf(response)).code).toBe('origin_error');
    }
  });

  it('bounds the Retry-After it passes on', () => {
    expect(boundedRetryAfter('2')).toBe(2);
    expect(boundedRetryAfter('0')).toBe(1);
    expect(boundedRetryAfter('86400')).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(boundedRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT')).toBe(2);
    expect(boundedRetryAfter(null)).toBe(2);
  });
});

describe('the watch page waits for a processing video (playable.js against this edge)', () => {
  it('says "processing", asks again after Retry-After, and starts once the master plays', async () => {
    const video = uniqueVideo('becomes-playable');
    let published = false;
    mockOrigin({ [`/media/${video}/master.m3u8`]: () => (published ? playlist(MASTER)() : gatewayNotReady(video)()) });
    const token = await signer.sign({ sub: video });
    const waits: number[] = [];
    const said: string[] = [];
    const outcome = await waitUntilPlayable(`/v/${token}/master.m3u8`, {
      fetchImpl: (url) => edgeFetch(url),
      onWaiting: (message) => said.push(message),
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 2) published = true;
      },
    });
    expect(outcome).toEqual({ playable: true });
    expect(said).toEqual([PROCESSING_MESSAGE, PROCESSING_MESSAGE]);
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up with a message after its longest wait, and lets real errors through to the player at once', async () => {
    const video = uniqueVideo('never-playable');
    mockOrigin({ [`/media/${video}/master.m3u8`]: gatewayNotReady(video), [`/media/${video}/720p/playlist.m3u8`]: playlist(MEDIA) });
    const token = await signer.sign({ sub: video });
    let clock = 0;
    const outcome = await waitUntilPlayable(`/v/${token}/master.m3u8`, { fetchImpl: (url) => edgeFetch(url), now: () => clock, sleep: async (ms) => void (clock += ms), maxWaitMs: 10_000 });
    expect(outcome).toMatchObject({ playable: false, message: expect.stringMatching(/longer than usual/) });

    const sleeps: number[] = [];
    const forged = await waitUntilPlayable('/v/not-a-jwt/master.m3u8', { fetchImpl: (url) => edgeFetch(url), sleep: async (ms) => void sleeps.push(ms) });
    expect(forged).toEqual({ playable: true });
    expect(sleeps).toEqual([]);
  });

  it('retry delays: Retry-After in seconds, else doubling, within 1-15 s', () => {
    expect(retryDelayMs('2', 0)).toBe(2000);
    expect(retryDelayMs('0', 0)).toBe(1000);
    expect(retryDelayMs('600', 0)).toBe(15_000);
    expect([0, 1, 2, 3, 4, 5].map((attempt) => retryDelayMs(null, attempt))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
  });
});
