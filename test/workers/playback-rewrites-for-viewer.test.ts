import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeRecord } from '../../contracts/nodes.ts';
import { chooseNode } from '../../edge/src/playback/choose-node.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { edgeFetch } from './helpers.ts';
import { auth, bodyText, clearNodes, makeSigner, MASTER, MEDIA, mockOrigin, nowSeconds, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;

beforeAll(async () => {
  signer = await makeSigner('rewrite-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(clearNodes);
afterEach(() => {
  vi.restoreAllMocks();
});

const listNodes = async () => ((await (await edgeFetch('/internal/nodes', { headers: auth() })).json()) as { nodes: NodeRecord[] }).nodes;

describe('GET /v/{token}/master.m3u8', () => {
  it('serves the origin master with variant URIs relative to the token path', async () => {
    const video = uniqueVideo('master');
    const asked = mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER) });
    const token = await signer.sign({ sub: video });
    const response = await edgeFetch(`/v/${token}/master.m3u8`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=2');
    expect(asked).toEqual([`/media/${video}/master.m3u8`]);
    const text = await bodyText(response);
    const uris = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(uris).toEqual(['360p/playlist.m3u8', '720p/playlist.m3u8', '1080p/playlist.m3u8']);
    // What a player resolves them to: still under /v/{token}/.
    expect(new URL(uris[0]!, `https://edge.test/v/${token}/master.m3u8`).pathname).toBe(`/v/${token}/360p/playlist.m3u8`);
  });

  it('drops variants above the token maxHeight', async () => {
    const video = uniqueVideo('maxh');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER) });
    const text = await bodyText(await edgeFetch(`/v/${await signer.sign({ sub: video, maxHeight: 720 })}/master.m3u8`));
    expect(text).toContain('720p/playlist.m3u8');
    expect(text).not.toContain('1080');
  });

  it('keeps the origin playlist in the edge cache for as long as its Cache-Control allows, and no-store means ask again', async () => {
    const cachedVideo = uniqueVideo('cached');
    const uncachedVideo = uniqueVideo('nostore');
    const asked = mockOrigin({
      [`/media/${cachedVideo}/master.m3u8`]: playlist(MASTER, 'public, max-age=30'),
      [`/media/${uncachedVideo}/master.m3u8`]: playlist(MASTER, 'no-store'),
    });
    for (const video of [cachedVideo, cachedVideo, uncachedVideo, uncachedVideo]) {
      expect((await edgeFetch(`/v/${await signer.sign({ sub: video })}/master.m3u8`)).status).toBe(200);
    }
    expect(asked).toEqual([`/media/${cachedVideo}/master.m3u8`, `/media/${uncachedVideo}/master.m3u8`, `/media/${uncachedVideo}/master.m3u8`]);
  });

  it('never lets the viewer keep the playlist past the token expiry', async () => {
    const video = uniqueVideo('exp');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER, 'public, max-age=60') });
    const response = await edgeFetch(`/v/${await signer.sign({ sub: video, exp: nowSeconds() + 5 })}/master.m3u8`);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('Cache-Control') ?? '')?.[1]);
    expect(response.headers.get('Cache-Control')).toMatch(/^private, /);
    expect(maxAge).toBeGreaterThanOrEqual(3);
    expect(maxAge).toBeLessThanOrEqual(5);
  });
});

describe('GET /v/{token}/{rendition}/playlist.m3u8', () => {
  async function fetchMedia(video: string, init?: RequestInit) {
    mockOrigin({ [`/media/${video}/720p/playlist.m3u8`]: playlist(MEDIA, 'public, max-age=31536000, immutable') });
    const response = await edgeFetch(`/v/${await signer.sign({ sub: video })}/720p/playlist.m3u8`, init);
    vi.restoreAllMocks();
    return { response, text: await bodyText(response), node: response.headers.get('X-Vora-Cdn-Node') };
  }

  it('points every segment and the init segment at the chosen live node, with a segment token covering the playlist', async () => {
    await Promise.all(['cdn-a', 'cdn-b', 'cdn-c'].map((id) => registerNode(id)));
    const video = uniqueVideo('media');
    const { response, text, node } = await fetchMedia(video);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
    expect(node).toBe(chooseNode(await listNodes(), video, { viewerRegion: 'local' })!.nodeId);

    const urls = text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => new URL(line));
    const init = new URL(/#EXT-X-MAP:URI="([^"]+)"/.exec(text)![1]!);
    expect([init, ...urls].map((url) => `${url.origin}${url.pathname}`)).toEqual(
      ['init.mp4', 'seg_00001.m4s', 'seg_00002.m4s', 'seg_00003.m4s'].map((file) => `https://${node}.cdn.test/media/${video}/720p/${file}`),
    );
    const expires = Number(urls[0]!.searchParams.get('e'));
    // Valid for at least the playlist's 10.5 s (plus the core's slack), and the signature is the one nginx recomputes.
    expect(expires).toBeGreaterThan(nowSeconds() + 10.5);
    expect(`st=${urls[0]!.searchParams.get('st')}&e=${expires}`).toBe(signSegmentToken({ videoId: video, expires, secret: env.NODE_KEY! }).query);
    expect(new Set([init, ...urls].map((url) => url.search)).size).toBe(1);
    expect(text).toContain('#EXT-X-ENDLIST');
  });

  it('sends the same video to the same node on every request, and different videos across nodes', async () => {
    await Promise.all(['cdn-a', 'cdn-b', 'cdn-c', 'cdn-d'].map((id) => registerNode(id)));
    const video = uniqueVideo('sticky');
    const first = await fetchMedia(video);
    for (let i = 0; i < 3; i++) expect((await fetchMedia(video)).node).toBe(first.node);
    const spread = new Set<string | null>();
    for (let i = 0; i < 12; i++) spread.add((await fetchMedia(uniqueVideo('spread'))).node);
    expect(spread.size).toBeGreaterThan(1);
  });

  it('leaves a draining node out of the rotation', async () => {
    await Promise.all(['cdn-a', 'cdn-b', 'cdn-c'].map((id) => registerNode(id)));
    const video = uniqueVideo('drain');
    const before = (await fetchMedia(video)).node!;
    await registerNode(before, { state: 'draining' });
    const after = await fetchMedia(video);
    expect(after.response.status).toBe(200);
    expect(after.node).not.toBe(before);
    expect(after.text).not.toContain(`${before}.cdn.test`);
  });

  it("prefers a node in the viewer's region (Cloudflare continent)", async () => {
    await Promise.all([registerNode('cdn-eu', { region: 'EU' }), registerNode('cdn-na-1', { region: 'NA' }), registerNode('cdn-na-2', { region: 'NA' })]);
    for (let i = 0; i < 4; i++) {
      expect((await fetchMedia(uniqueVideo('eu'), { cf: { continent: 'EU' } } as RequestInit)).node).toBe('cdn-eu');
    }
  });
});
