// A `live` playback token opens a live input: playlists from the gateway's /media/live/{id}/, rewritten as a video's.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiErrorBody, errorBody } from '../../contracts/http.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { OFFLINE_MESSAGE, waitUntilPlayable } from '../../edge/public/player/playable.js';
import { edgeFetch } from './helpers.ts';
import { bodyText, clearNodes, makeSigner, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('live-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(async () => {
  await clearNodes();
  await registerNode('cdn-live');
});
afterEach(() => vi.restoreAllMocks());

/** As the live ladder writes them (origin/src/live): the master names this broadcast's folder. */
const LIVE_MASTER = `#EXTM3U
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=2800000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720
b2/720p/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360
b2/360p/playlist.m3u8
`;
const LIVE_MEDIA = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:41
#EXT-X-MAP:URI="init_1.mp4"
#EXTINF:2.000,
seg_00041.m4s
#EXTINF:2.000,
seg_00042.m4s
`;
const livePlaylist = (text: string) => playlist(text, 'public, max-age=1');
const errorOf = async (response: Response) => ApiErrorBody.parse(await response.json()).error;

describe('a live token at the edge', () => {
  it('serves the live master from /media/live/{id}/ with the broadcast folder kept under the token path, cached 1 s', async () => {
    const inputId = uniqueVideo('live');
    const asked = mockOrigin({ [`/media/live/${inputId}/master.m3u8`]: livePlaylist(LIVE_MASTER) });
    const token = await signer.sign({ sub: inputId, live: true });
    const response = await edgeFetch(`/v/${token}/master.m3u8`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=1');
    expect(asked).toEqual([`/media/live/${inputId}/master.m3u8`]);
    const uris = (await bodyText(response)).split('\n').filter((line) => line && !line.startsWith('#'));
    expect(uris).toEqual(['b2/720p/playlist.m3u8', 'b2/360p/playlist.m3u8']);
  });

  it('sends segments to the chosen node under /media/live/{id}/, with a segment token for that prefix', async () => {
    const inputId = uniqueVideo('live');
    mockOrigin({ [`/media/live/${inputId}/b2/360p/playlist.m3u8`]: livePlaylist(LIVE_MEDIA) });
    const token = await signer.sign({ sub: inputId, live: true });
    const response = await edgeFetch(`/v/${token}/b2/360p/playlist.m3u8`);
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Vora-Cdn-Node')).toBe('cdn-live');
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=1');
    const text = await bodyText(response);
    const segment = text.split('\n').find((line) => line.includes('seg_00041.m4s'))!;
    const url = new URL(segment);
    expect(`${url.origin}${url.pathname}`).toBe(`https://cdn-live.cdn.test/media/live/${inputId}/b2/360p/seg_00041.m4s`);
    const expires = Number(url.searchParams.get('e'));
    expect(url.search.slice(1)).toBe(signSegmentToken({ videoId: inputId, live: true, expires, secret: env.NODE_KEY! }).query);
    // A video token for the same id would be another prefix: the node refuses one for the other.
    expect(url.search.slice(1)).not.toBe(signSegmentToken({ videoId: inputId, expires, secret: env.NODE_KEY! }).query);
    expect(text).toContain(`#EXT-X-MAP:URI="https://cdn-live.cdn.test/media/live/${inputId}/b2/360p/init_1.mp4?`);
  });

  it('rewrites a live playlist again as soon as it moves on (the edge keeps no rewrite of an older text)', async () => {
    const inputId = uniqueVideo('moving');
    let calls = 0;
    mockOrigin({
      [`/media/live/${inputId}/b2/360p/playlist.m3u8`]: () => {
        calls += 1;
        const text = calls === 1 ? LIVE_MEDIA : `${LIVE_MEDIA}#EXTINF:2.000,\nseg_00043.m4s\n`;
        return playlist(text, 'no-store')();
      },
    });
    const path = `/v/${await signer.sign({ sub: inputId, live: true })}/b2/360p/playlist.m3u8`;
    const first = await bodyText(await edgeFetch(path));
    const second = await bodyText(await edgeFetch(path));
    expect(first).not.toContain('seg_00043.m4s');
    expect(second).toContain(`/media/live/${inputId}/b2/360p/seg_00043.m4s?st=`);
    // The same text again (another viewer, same node, same minute): the very same bytes.
    calls = 1;
    expect(await bodyText(await edgeFetch(path))).toBe(second);
  });

  it("keeps a live playlist only for what the shield's Age leaves of its max-age: one the shield held 1 s is asked again", async () => {
    const inputId = uniqueVideo('aged');
    let calls = 0;
    const held = (age: string) => () => {
      calls += 1;
      return new Response(`${LIVE_MEDIA}#EXTINF:2.000,\nseg_${String(42 + calls).padStart(5, '0')}.m4s\n`, { headers: { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=1', Age: age } });
    };
    const path = `/v/${await signer.sign({ sub: inputId, live: true })}/b2/360p/playlist.m3u8`;
    mockOrigin({ [`/media/live/${inputId}/b2/360p/playlist.m3u8`]: held('1') });
    const first = await edgeFetch(path);
    // The viewer's own keep is still the origin's max-age; the edge's cache keeps nothing.
    expect(first.headers.get('Cache-Control')).toBe('private, max-age=1');
    expect(await bodyText(first)).toContain('seg_00043.m4s');
    expect(await bodyText(await edgeFetch(path))).toContain('seg_00044.m4s');
    expect(calls).toBe(2);
    // A fresh copy (Age 0) is kept its second: the next viewer within it costs no origin fetch.
    const fresh = uniqueVideo('fresh');
    calls = 0;
    mockOrigin({ [`/media/live/${fresh}/b2/360p/playlist.m3u8`]: held('0') });
    const freshPath = `/v/${await signer.sign({ sub: fresh, live: true })}/b2/360p/playlist.m3u8`;
    expect(await bodyText(await edgeFetch(freshPath))).toContain('seg_00043.m4s');
    expect(await bodyText(await edgeFetch(freshPath))).toContain('seg_00043.m4s');
    expect(calls).toBe(1);
  });

  it('answers 409 stream_offline with Retry-After while the input has no master (nothing broadcast yet)', async () => {
    const inputId = uniqueVideo('offline');
    mockOrigin({ [`/media/live/${inputId}/master.m3u8`]: () => Response.json(errorBody('not_found', `live/${inputId}/master.m3u8 does not exist yet`), { status: 404 }) });
    const response = await edgeFetch(`/v/${await signer.sign({ sub: inputId, live: true })}/master.m3u8`);
    expect(response.status).toBe(409);
    expect(response.headers.get('Retry-After')).toBe('2');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect((await errorOf(response)).code).toBe('stream_offline');
  });

  it('keeps live and video paths apart: each token opens only its own shape', async () => {
    const id = uniqueVideo('shape');
    const asked = mockOrigin({});
    const live = await signer.sign({ sub: id, live: true });
    const video = await signer.sign({ sub: id });
    for (const [token, path] of [[live, '360p/playlist.m3u8'], [video, 'b1/360p/playlist.m3u8'], [live, 'thumbnail.jpg'], [live, 'bx/360p/playlist.m3u8'], [live, 'b0/360p/playlist.m3u8']] as const) {
      const response = await edgeFetch(`/v/${token}/${path}`);
      expect(response.status, path).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
    expect(asked).toEqual([]);
  });

  it('refuses a token whose live claim is anything but true', async () => {
    const response = await edgeFetch(`/v/${await signer.sign({ sub: uniqueVideo('bad'), live: 'yes' })}/master.m3u8`);
    expect(response.status).toBe(401);
  });
});

describe('the live watch page', () => {
  it('renders live mode: LIVE badge, no poster, the channel room for chat', async () => {
    const inputId = uniqueVideo('page');
    const token = await signer.sign({ sub: inputId, live: true, channel: 'chan-1' });
    const response = await edgeFetch(`/watch/${inputId}?token=${token}&chatToken=chat`, { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<p id="live-badge" class="live-badge" role="status" aria-live="off">LIVE</p>');
    expect(html).not.toContain('poster=');
    expect(html).toContain(`<title>Live ${inputId} — Vora</title>`);
    const config = JSON.parse(/<script type="application\/json" id="watch-config">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config).toMatchObject({ live: true, chat: { room: 'channel-chan-1', token: 'chat' } });
  });

  it('waits through stream_offline (playable.js against this edge) and starts once the master plays', async () => {
    const inputId = uniqueVideo('goes-live');
    let broadcasting = false;
    mockOrigin({
      [`/media/live/${inputId}/master.m3u8`]: () =>
        broadcasting ? livePlaylist(LIVE_MASTER)() : Response.json(errorBody('not_found', 'not yet'), { status: 404 }),
    });
    const url = `/v/${await signer.sign({ sub: inputId, live: true })}/master.m3u8`;
    const messages: string[] = [];
    const pauses: number[] = [];
    const ready = await waitUntilPlayable(url, {
      fetchImpl: (path) => edgeFetch(path),
      onWaiting: (message) => messages.push(message),
      sleep: async (ms) => {
        pauses.push(ms);
        if (pauses.length === 2) broadcasting = true;
      },
    });
    expect(ready).toEqual({ playable: true });
    expect(messages).toEqual([OFFLINE_MESSAGE, OFFLINE_MESSAGE]);
    expect(pauses).toEqual([2000, 2000]);
  });
});
