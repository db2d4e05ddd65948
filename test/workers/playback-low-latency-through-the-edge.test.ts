// LL-HLS through the edge: parts and preload hints rewritten onto the node with the segment token, blocking reloads
// (_HLS_msn/_HLS_part) checked, forwarded alone to the gateway, held as long as the gateway holds, and never cached.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiErrorBody, errorBody } from '../../contracts/http.ts';
import { PULL_HEADERS, verifyPull } from '../../contracts/pull-signing.ts';
import { ORIGIN_TIMEOUT_MS } from '../../edge/src/playback/origin-fetch.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { edgeFetch } from './helpers.ts';
import { bodyText, clearNodes, makeSigner, mockOrigin, nowSeconds, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('llhls-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(async () => {
  await clearNodes();
  await registerNode('cdn-ll');
});
afterEach(() => vi.restoreAllMocks());

/** As the origin's LL-HLS packager writes a rendition (origin/src/live/llhls/media-playlist.ts), `parts` parts into segment 3. */
function llPlaylist(parts: number): string {
  const partLines = (msn: number, count: number) =>
    Array.from({ length: count }, (_, i) => `#EXT-X-PART:DURATION=0.33333,URI="seg_0000${msn}.part${i}.m4s"${i === 0 ? ',INDEPENDENT=YES' : ''}`);
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=6,PART-HOLD-BACK=1.08',
    '#EXT-X-PART-INF:PART-TARGET=0.36',
    '#EXT-X-MEDIA-SEQUENCE:1',
    '#EXT-X-MAP:URI="init_00001.mp4"',
    ...[1, 2].flatMap((msn) => [...partLines(msn, 6), '#EXTINF:2,', `seg_0000${msn}.m4s`]),
    ...partLines(3, parts),
    `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_00003.part${parts}.m4s"`,
    `#EXT-X-RENDITION-REPORT:URI="../360p/playlist.m3u8",LAST-MSN=3,LAST-PART=${parts - 1}`,
    '',
  ].join('\n');
}

const errorOf = async (response: Response) => ApiErrorBody.parse(await response.json()).error;
const livePath = (inputId: string) => `/media/live/${inputId}/b1/720p/playlist.m3u8`;
const viewerPath = async (inputId: string, query = '') => `/v/${await signer.sign({ sub: inputId, live: true })}/b1/720p/playlist.m3u8${query}`;

describe('a low-latency live playlist at the edge', () => {
  it('sends parts, the preload hint and the init to the chosen node with the segment token; the rendition report stays on the edge', async () => {
    const inputId = uniqueVideo('ll');
    mockOrigin({ [livePath(inputId)]: playlist(llPlaylist(2), 'public, max-age=1') });
    const response = await edgeFetch(await viewerPath(inputId));
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Vora-Cdn-Node')).toBe('cdn-ll');
    const text = await bodyText(response);
    const node = `https://cdn-ll.cdn.test/media/live/${inputId}/b1/720p/`;
    const uris = [...text.matchAll(/URI="([^"]+)"/g)].map((match) => match[1]!);
    const onNode = uris.filter((uri) => uri.startsWith(node));
    // 14 parts, the hint and the init, each with the same token, which covers the input's live folder.
    expect(onNode).toHaveLength(16);
    const query = new URL(onNode[0]!).search.slice(1);
    const expires = Number(new URLSearchParams(query).get('e'));
    expect(query).toBe(signSegmentToken({ videoId: inputId, live: true, expires, secret: env.NODE_KEY! }).query);
    for (const uri of onNode) expect(new URL(uri).search.slice(1)).toBe(query);
    expect(text).toContain(`#EXT-X-PART:DURATION=0.33333,URI="${node}seg_00003.part1.m4s?${query}"\n`);
    expect(text).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${node}seg_00003.part2.m4s?${query}"\n`);
    expect(text).toContain('#EXT-X-RENDITION-REPORT:URI="../360p/playlist.m3u8",LAST-MSN=3,LAST-PART=1\n');
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=6,PART-HOLD-BACK=1.08\n');
  });

  it('forwards _HLS_msn and _HLS_part alone (signed over the path), and answers no-store', async () => {
    const inputId = uniqueVideo('directives');
    const seen: { url: string; signed: boolean }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = new Headers(init?.headers);
      const verdict = await verifyPull({ method: 'GET', path: url.pathname, expires: headers.get(PULL_HEADERS.expires), signature: headers.get(PULL_HEADERS.signature), secret: env.PULL_SECRET!, nowSeconds: nowSeconds() });
      seen.push({ url: url.pathname + url.search, signed: verdict.ok });
      return playlist(llPlaylist(3), 'public, max-age=1')();
    });
    const response = await edgeFetch(await viewerPath(inputId, '?_HLS_part=2&cachebust=7&_HLS_skip=YES&_HLS_msn=3'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await bodyText(response)).toContain('seg_00003.part2.m4s?st=');
    expect(seen).toEqual([{ url: `${livePath(inputId)}?_HLS_msn=3&_HLS_part=2`, signed: true }]);
  });

  const badDirectives: [string, RegExp][] = [
    ['?_HLS_msn=abc', /_HLS_msn must be a non-negative decimal integer/],
    ['?_HLS_msn=3&_HLS_part=1.5', /_HLS_part must be/],
    ['?_HLS_msn=-2', /_HLS_msn must be/],
    ['?_HLS_part=1', /_HLS_part needs _HLS_msn/],
  ];
  it.each(badDirectives)('answers 400 for %s without asking the origin', async (query, message) => {
    const inputId = uniqueVideo('bad');
    const asked = mockOrigin({ [livePath(inputId)]: playlist(llPlaylist(2)) });
    const response = await edgeFetch(await viewerPath(inputId, query));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('bad_delivery_directive');
    expect(error.message).toMatch(message);
    expect(asked).toEqual([]);
  });

  it('waits as long as the gateway holds a blocking reload (past the 4 s a plain playlist gets)', async () => {
    const inputId = uniqueVideo('held');
    const holdMs = ORIGIN_TIMEOUT_MS + 600;
    mockOrigin({
      [`${livePath(inputId)}?_HLS_msn=3&_HLS_part=3`]: () => new Promise((resolve) => setTimeout(() => resolve(playlist(llPlaylist(4), 'public, max-age=1')()), holdMs)),
    });
    const started = Date.now();
    const response = await edgeFetch(await viewerPath(inputId, '?_HLS_msn=3&_HLS_part=3'));
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(holdMs);
    expect(await bodyText(response)).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="https://cdn-ll.cdn.test/');
  });

  it('never caches a held answer: each blocking reload reaches the gateway, and a plain reload never gets a held answer', async () => {
    const inputId = uniqueVideo('nocache');
    const path = livePath(inputId);
    let held = 0;
    // The worst a gateway could say: a long shared max-age on every answer.
    const asked = mockOrigin({
      [`${path}?_HLS_msn=3&_HLS_part=2`]: () => {
        held += 1;
        return playlist(llPlaylist(2 + held), 'public, max-age=60')();
      },
      [path]: playlist(llPlaylist(2), 'public, max-age=60'),
    });
    const blocking = await viewerPath(inputId, '?_HLS_msn=3&_HLS_part=2');
    const hintOf = async (viewer: string) => /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="[^"]*\/(seg_\d+\.part\d+\.m4s)\?st=/.exec(await bodyText(await edgeFetch(viewer)))?.[1];
    expect(await hintOf(blocking)).toBe('seg_00003.part3.m4s');
    expect(await hintOf(blocking)).toBe('seg_00003.part4.m4s');
    expect(await hintOf(await viewerPath(inputId))).toBe('seg_00003.part2.m4s');
    // Then a blocking reload again: asked again, never served from what the plain one cached.
    expect(await hintOf(blocking)).toBe('seg_00003.part5.m4s');
    expect(asked).toEqual([`${path}?_HLS_msn=3&_HLS_part=2`, `${path}?_HLS_msn=3&_HLS_part=2`, path, `${path}?_HLS_msn=3&_HLS_part=2`]);
  });

  it("passes the gateway's 400 (too far ahead) and 503 (the part did not come within the hold) to the player", async () => {
    const inputId = uniqueVideo('refused');
    const path = livePath(inputId);
    mockOrigin({
      [`${path}?_HLS_msn=99`]: () => Response.json(errorBody('bad_request', '_HLS_msn=99 is more than two segments past the last complete one (2)'), { status: 400 }),
      [`${path}?_HLS_msn=4&_HLS_part=0`]: () => Response.json(errorBody('reload_timeout', 'part 4.0 did not appear within 6 s'), { status: 503, headers: { 'Retry-After': '1' } }),
    });
    const tooFar = await edgeFetch(await viewerPath(inputId, '?_HLS_msn=99'));
    expect(tooFar.status).toBe(400);
    expect(tooFar.headers.get('Cache-Control')).toBe('no-store');
    expect((await errorOf(tooFar)).message).toMatch(/more than two segments past/);
    const timedOut = await edgeFetch(await viewerPath(inputId, '?_HLS_msn=4&_HLS_part=0'));
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('Retry-After')).toBe('1');
    expect(timedOut.headers.get('Cache-Control')).toBe('no-store');
    const error = await errorOf(timedOut);
    expect(error.code).toBe('reload_timeout');
    expect(error.message).toMatch(/did not appear within 6 s/);
  });
});
