/**
 * A broadcast end to end below the edge: FFmpeg publishes 20 s of a test pattern over RTMP, the origin authorizes
 * it and starts `live-{id}-1`, the live ladder on the transcoder's `vora-live` queue stores each segment once in
 * MinIO, the gateway serves the live playlists (max-age=1, no ENDLIST) and immutable segments; when the publisher
 * leaves the playlists end and the broadcast plays as a recording of the right length. A publisher back within the
 * reconnect window continues the same broadcast behind one discontinuity; after the window a publish is a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getVideo } from '../../origin/src/db/videos.ts';
import { run } from '../../stack/exec.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { waitFor } from '../support/wait.ts';
import { listMedia } from './support/ladder-stack.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { liveOriginOperatorToken } from './support/live-origin.ts';
import { startLiveStack, type LiveStack } from './support/live-stack.ts';
import { testPorts } from '../support/ports.ts';

let stack: LiveStack;
let api: OperatorApi;
let publisher: Publisher | undefined;

beforeAll(async () => {
  stack = await startLiveStack(await testPorts(import.meta.url));
  api = operatorApi(stack.origin.url, 'unused');
}, 240_000);

afterAll(async () => {
  await publisher?.stop();
  await stack?.stop();
}, 60_000);

const text = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: await response.text() };
};
const segmentUris = (playlist: string) => playlist.split('\n').filter((line) => line.startsWith('seg_'));

describe('a live broadcast through the gateway', () => {
  it('serves a growing live playlist while the publisher sends, then ends it as a recording', async () => {
    const { body: input } = (await api('/v1/live-inputs', { method: 'POST', body: { title: 'twenty seconds', reconnectWindowSeconds: 0 } })) as { body: Json };
    const publishedAt = Date.now();
    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 20, size: '640x360' });
    const media = `${stack.origin.url}/media/live/${input.id}`;

    const master = await waitFor(async () => {
      const answer = await text(`${media}/master.m3u8`);
      return answer.status === 200 ? answer : undefined;
    }, { what: 'the master playlist', timeoutMs: 30_000 });
    expect(master.headers.get('cache-control')).toBe('public, max-age=1');
    const variants = master.body.split('\n').filter((line) => line.endsWith('playlist.m3u8'));
    expect(variants).toEqual(['b1/720p/playlist.m3u8', 'b1/360p/playlist.m3u8']);

    const live = await waitFor(async () => {
      const answer = await text(`${media}/b1/360p/playlist.m3u8`);
      return answer.status === 200 && segmentUris(answer.body).length >= 2 ? answer : undefined;
    }, { what: 'a live playlist with two segments', timeoutMs: 40_000 });
    console.log(`[live] publish → two segments listed by the gateway in ${Date.now() - publishedAt} ms`);
    expect(live.headers.get('cache-control')).toBe('public, max-age=1');
    expect(live.body).not.toContain('#EXT-X-ENDLIST');
    expect(live.body).toContain('#EXT-X-TARGETDURATION:2');
    const [firstSegment] = segmentUris(live.body);
    const segment = await fetch(`${media}/b1/360p/${firstSegment}`);
    expect(segment.status).toBe(200);
    expect(segment.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(live.body)![1]!;
    expect((await fetch(`${media}/b1/360p/${init}`)).status).toBe(200);
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'live', broadcasts: 1 });

    expect((await publisher.exited).code).toBe(0);
    const ended = await waitFor(async () => {
      const answer = await text(`${media}/b1/360p/playlist.m3u8`);
      return answer.body.includes('#EXT-X-ENDLIST') ? answer : undefined;
    }, { what: 'the playlist to end', timeoutMs: 60_000 });
    const result = await stack.temporal.workflow.getHandle(`live-${input.id}-1`).result();
    expect(result).toEqual({ segments: segmentUris(ended.body).length, ladderRuns: 1 });
    expect((await api(`/v1/live-inputs/${input.id}`)).body.status).toBe('ended');

    // Every listed segment was stored once under live/{id}/b1/, and the recording plays to its end.
    const stored = await listMedia(stack.s3, `live/${input.id}/b1/360p/`);
    for (const uri of segmentUris(ended.body)) expect(stored.has(`live/${input.id}/b1/360p/${uri}`)).toBe(true);
    const duration = Number(await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `${media}/b1/360p/playlist.m3u8`], { timeoutMs: 60_000 }));
    console.log(`[live] ${segmentUris(ended.body).length} segments, recording ${duration.toFixed(2)} s of a 20 s publish`);
    // The ladder joins a second or two after the publish starts (no GOP cache in nginx-rtmp).
    expect(duration).toBeGreaterThan(14);
    expect(duration).toBeLessThan(21);

    // Instant recording: a READY video made of copies of the same segments, with a thumbnail, no re-encode.
    const videoId = `rec_${input.id}_b1`;
    const video = await waitFor(async () => {
      const row = await getVideo(stack.origin.sql, videoId);
      return row?.state === 'READY' ? row : undefined;
    }, { what: 'the recording to be READY', timeoutMs: 30_000 });
    expect(video).toMatchObject({ title: 'twenty seconds (broadcast 1)', thumbnailKey: `${videoId}/thumbnail.jpg` });
    expect(video.durationSeconds).toBeCloseTo(duration, 0);
    expect((await listMedia(stack.s3, `${videoId}/thumbnail.jpg`)).size).toBe(1);
    const operator = { authorization: `Bearer ${liveOriginOperatorToken}` };
    const vodMaster = await (await fetch(`${stack.origin.url}/media/${videoId}/master.m3u8`, { headers: operator })).text();
    expect(vodMaster.split('\n').filter((line) => line.endsWith('playlist.m3u8')).sort()).toEqual(['360p/playlist.m3u8', '720p/playlist.m3u8']);
    const vodPlaylist = await (await fetch(`${stack.origin.url}/media/${videoId}/360p/playlist.m3u8`, { headers: operator })).text();
    expect(vodPlaylist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(segmentUris(vodPlaylist)).toEqual(segmentUris(ended.body));
    const recorded = Number(await run('ffprobe', ['-v', 'error', '-headers', `Authorization: Bearer ${liveOriginOperatorToken}\r\n`, '-show_entries', 'format=duration', '-of', 'csv=p=0', `${stack.origin.url}/media/${videoId}/master.m3u8`], { timeoutMs: 60_000 }));
    console.log(`[live] recording video ${videoId} READY, ${recorded.toFixed(2)} s through the VOD gateway`);
    expect(recorded).toBeCloseTo(duration, 0);
  });
});

describe('the reconnect window', () => {
  it('continues the broadcast when the publisher is back within the window, ends it after, and starts a new one later', async () => {
    const { body: input } = (await api('/v1/live-inputs', { method: 'POST', body: { title: 'flaky uplink', reconnectWindowSeconds: 10, recording: 'off' } })) as { body: Json };
    const status = async () => (await api(`/v1/live-inputs/${input.id}`)).body;
    const media = `${stack.origin.url}/media/live/${input.id}`;

    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 8, size: '320x180' });
    await waitFor(async () => segmentUris((await text(`${media}/b1/360p/playlist.m3u8`)).body).length >= 2 || undefined, { what: 'first segments', timeoutMs: 40_000 });
    await publisher.exited;
    await waitFor(async () => (await status()).status === 'reconnecting' || undefined, { what: 'the input to wait for its publisher', timeoutMs: 20_000 });

    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 8, size: '320x180' });
    expect(await waitFor(async () => {
      const body = await status();
      return body.status === 'live' ? body : undefined;
    }, { what: 'the publisher to be back', timeoutMs: 15_000 })).toMatchObject({ broadcasts: 1 });
    await waitFor(async () => {
      const body = (await text(`${media}/b1/360p/playlist.m3u8`)).body;
      return body.includes('#EXT-X-DISCONTINUITY') && body.split('#EXT-X-DISCONTINUITY')[1]!.includes('seg_') ? true : undefined;
    }, { what: 'segments after the discontinuity', timeoutMs: 40_000 });
    await publisher.exited;

    const ended = await waitFor(async () => {
      const answer = await text(`${media}/b1/360p/playlist.m3u8`);
      return answer.body.includes('#EXT-X-ENDLIST') ? answer.body : undefined;
    }, { what: 'the window to pass and the playlist to end', timeoutMs: 60_000 });
    expect(ended.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(await stack.temporal.workflow.getHandle(`live-${input.id}-1`).result()).toMatchObject({ ladderRuns: 2 });
    expect(await status()).toMatchObject({ status: 'ended', broadcasts: 1 });
    expect(await getVideo(stack.origin.sql, `rec_${input.id}_b1`)).toBeNull();

    publisher = publishTestSource(`${stack.rtmpBase}/${input.streamKey}`, { seconds: 30, size: '320x180' });
    const second = await waitFor(async () => {
      const answer = await text(`${media}/master.m3u8`);
      return answer.body.includes('b2/360p/playlist.m3u8') ? answer : undefined;
    }, { what: 'a new broadcast', timeoutMs: 30_000 });
    expect(second.body).not.toContain('b1/');
    expect(await status()).toMatchObject({ status: 'live', broadcasts: 2 });
    await publisher.stop();
  });
});
