import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { ORIGIN_TIMEOUT_MS } from '../../edge/src/playback/origin-fetch.ts';
import { edgeFetch } from './helpers.ts';
import { bodyText, clearNodes, makeSigner, MASTER, MEDIA, mockOrigin, nowSeconds, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;
let stranger: Signer;

beforeAll(async () => {
  [signer, stranger] = await Promise.all([makeSigner('refuse-key'), makeSigner('refuse-key')]);
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(async () => {
  await clearNodes();
  await registerNode('cdn-a');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const errorOf = async (response: Response) => ApiErrorBody.parse(await response.json()).error;
const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** Signs with HMAC-SHA256 by hand: jose refuses to, and this is the classic "public key as HMAC secret" forgery. */
async function hs256(header: object, payload: object, secret: string): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
  return `${input}.${btoa(String.fromCharCode(...signature)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
}

describe('the forged-token corpus, at the route', () => {
  const video = 'forged-video';
  const corpus: [string, () => Promise<string>, 401 | 403, RegExp, RequestInit?][] = [
    ['alg none', async () => `${b64({ alg: 'none', kid: 'refuse-key' })}.${b64({ sub: video, exp: nowSeconds() + 3600 })}.`, 401, /malformed|algorithm/],
    ['alg none with a signature', async () => `${b64({ alg: 'none', kid: 'refuse-key' })}.${b64({ sub: video, exp: nowSeconds() + 3600 })}.AAAA`, 401, /algorithm/],
    ['HS256 with the public JWK as secret', () => hs256({ alg: 'HS256', kid: 'refuse-key' }, { sub: video, exp: nowSeconds() + 3600 }, JSON.stringify(signer.publicJwk)), 401, /algorithm/],
    ['unknown kid', () => signer.sign({ sub: video }, { kid: 'no-such-key' }), 401, /kid/],
    ['right kid, another key pair', () => stranger.sign({ sub: video }), 401, /signature/],
    ['expired (beyond the 30 s skew)', () => signer.sign({ sub: video, exp: nowSeconds() - 120 }), 401, /expired/],
    ['not valid before a minute from now', () => signer.sign({ sub: video, nbf: nowSeconds() + 120 }), 401, /not yet valid/],
    ['no exp', async () => (await signer.sign({ sub: video, exp: undefined })), 401, /exp/],
    ['payload swapped to another video', async () => {
      const [header, , signature] = (await signer.sign({ sub: video })).split('.');
      return `${header}.${b64({ sub: 'another-video', exp: nowSeconds() + 3600 })}.${signature}`;
    }, 401, /signature/],
    ['garbage', async () => 'not-a-jwt', 401, /malformed/],
    ['country not allowed', () => signer.sign({ sub: video, countries: { allow: ['FR'] } }), 403, /country/, { cf: { country: 'DE' } } as RequestInit],
    ['IP outside the ranges', () => signer.sign({ sub: video, ipRanges: ['203.0.113.0/24'] }), 403, /network/, { headers: { 'CF-Connecting-IP': '198.51.100.7' } }],
  ];

  for (const [label, forge, status, reason, init] of corpus) {
    it(`refuses ${label} with ${status} before asking the origin`, async () => {
      const asked = mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER), [`/media/${video}/720p/playlist.m3u8`]: playlist(MEDIA) });
      const token = await forge();
      for (const path of ['master.m3u8', '720p/playlist.m3u8', 'thumbnail.jpg']) {
        const response = await edgeFetch(`/v/${token}/${path}`, init);
        expect(response.status, path).toBe(status);
        expect(response.headers.get('Cache-Control')).toBe('no-store');
        const error = await errorOf(response);
        expect(error.code).toBe(status === 401 ? 'invalid_token' : 'playback_denied');
        expect(error.message).toMatch(reason);
      }
      expect(asked).toEqual([]);
    });
  }

  it('binds the token to its own video: the URL has no way to name another one', async () => {
    const asked = mockOrigin({ [`/media/other-video/master.m3u8`]: playlist(MASTER) });
    expect((await edgeFetch(`/v/${await signer.sign({ sub: 'other-video' })}/master.m3u8`)).status).toBe(200);
    expect((await edgeFetch(`/v/${await signer.sign({ sub: 'other-video' })}/../${video}/master.m3u8`)).status).not.toBe(200);
    expect(asked.every((path) => path.startsWith('/media/other-video/'))).toBe(true);
  });
});

describe('origin failures', () => {
  it('502 with the reason for a malformed master or media playlist', async () => {
    const video = uniqueVideo('malformed');
    mockOrigin({
      [`/media/${video}/master.m3u8`]: playlist('this is not a playlist'),
      [`/media/${video}/720p/playlist.m3u8`]: playlist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n#EXT-X-ENDLIST\n'),
      [`/media/${video}/480p/playlist.m3u8`]: playlist(MASTER),
    });
    for (const [path, reason] of [['master.m3u8', /master playlist is malformed/], ['720p/playlist.m3u8', /720p playlist is malformed: .*EXTINF/], ['480p/playlist.m3u8', /master playlist/]] as const) {
      const response = await fetchAs(video, path);
      expect(response.status, path).toBe(502);
      const error = await errorOf(response);
      expect(error.code).toBe('bad_origin_playlist');
      expect(error.message).toMatch(reason);
    }
  });

  it('404 when the origin has no such video or file, 502 when it fails', async () => {
    const video = uniqueVideo('missing');
    mockOrigin({ [`/media/${video}/master.m3u8`]: () => new Response('boom', { status: 500 }) });
    expect((await fetchAs(video, '720p/playlist.m3u8')).status).toBe(404);
    expect((await fetchAs(video, 'storyboard.vtt')).status).toBe(404);
    const failed = await fetchAs(video, 'master.m3u8');
    expect(failed.status).toBe(502);
    expect(await errorOf(failed)).toMatchObject({ code: 'origin_error', message: expect.stringMatching(/500/) });
  });

  it('asks again once when a connection drops before any answer (a pooled connection the shield was closing)', async () => {
    const video = uniqueVideo('dropped');
    let drops = 1;
    const asked = mockOrigin({
      [`/media/${video}/master.m3u8`]: () => {
        if (drops-- > 0) throw new Error('Network connection lost.');
        return playlist(MASTER)();
      },
    });
    const served = await fetchAs(video, 'master.m3u8');
    expect(served.status).toBe(200);
    expect(asked).toEqual([`/media/${video}/master.m3u8`, `/media/${video}/master.m3u8`]);

    const other = uniqueVideo('dropped-twice');
    const twice = mockOrigin({ [`/media/${other}/master.m3u8`]: () => { throw new Error('Network connection lost.'); } });
    const failed = await fetchAs(other, 'master.m3u8');
    expect(failed.status).toBe(502);
    expect(await errorOf(failed)).toMatchObject({ code: 'origin_unreachable', message: expect.stringMatching(/2 tries\): Network connection lost/) });
    expect(twice).toHaveLength(2);
  });

  it('502 at once when the origin is unreachable, 504 within its timeout when it hangs', async () => {
    const video = uniqueVideo('down');
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('connect ECONNREFUSED'));
    const refused = await fetchAs(video, 'master.m3u8');
    expect(refused.status).toBe(502);
    expect((await errorOf(refused)).code).toBe('origin_unreachable');

    vi.restoreAllMocks();
    mockOrigin({
      [`/media/${video}/master.m3u8`]: ({ signal }) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    });
    const started = Date.now();
    const hung = await fetchAs(video, 'master.m3u8');
    expect(hung.status).toBe(504);
    expect((await errorOf(hung)).code).toBe('origin_timeout');
    expect(Date.now() - started).toBeLessThan(ORIGIN_TIMEOUT_MS + 2000);
  });
});

describe('CDN nodes', () => {
  it('503 naming the cause when no node is live, and when every node is draining', async () => {
    const video = uniqueVideo('nonode');
    mockOrigin({ [`/media/${video}/720p/playlist.m3u8`]: playlist(MEDIA) });
    await registerNode('cdn-a', { state: 'draining' });
    const draining = await fetchAs(video, '720p/playlist.m3u8');
    expect(draining.status).toBe(503);
    expect(await errorOf(draining)).toMatchObject({ code: 'no_cdn_node', message: expect.stringMatching(/draining/) });

    await clearNodes();
    const none = await fetchAs(video, '720p/playlist.m3u8');
    expect(none.status).toBe(503);
    expect(await errorOf(none)).toMatchObject({ code: 'no_cdn_node', message: expect.stringMatching(/heartbeat/) });
  });
});

async function fetchAs(video: string, path: string, init?: RequestInit) {
  return edgeFetch(`/v/${await signer.sign({ sub: video })}/${path}`, init);
}

describe('thumbnail and storyboard', () => {
  it('streams the bytes from the origin gateway with a private cache bounded by the token', async () => {
    const video = uniqueVideo('thumb');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const asked = mockOrigin({
      [`/media/${video}/thumbnail.jpg`]: () => new Response(jpeg.slice(), { headers: { 'Content-Type': 'image/jpeg', 'Cache-Control': 'public, max-age=31536000, immutable' } }),
      [`/media/${video}/storyboard.vtt`]: () => new Response('WEBVTT\n', { headers: { 'Content-Type': 'text/vtt; charset=utf-8' } }),
    });
    const thumbnail = await fetchAs(video, 'thumbnail.jpg');
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('Content-Type')).toBe('image/jpeg');
    expect(thumbnail.headers.get('Cache-Control')).toMatch(/^private, max-age=\d+$/);
    expect(new Uint8Array(await thumbnail.arrayBuffer())).toEqual(jpeg);
    const vtt = await fetchAs(video, 'storyboard.vtt');
    expect(await bodyText(vtt)).toBe('WEBVTT\n');
    expect(asked).toEqual([`/media/${video}/thumbnail.jpg`, `/media/${video}/storyboard.vtt`]);
  });
});
