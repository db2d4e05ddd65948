/**
 * A CDN node exactly as `npm start` and the farm run it: the shipped nginx template, rendered by
 * renderNginxConfig, in front of a stand-in origin that counts its hits. Proves that tokens are
 * checked by nginx alone, that one token serves a whole video, and that the cache absorbs repeats.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { PULL_HEADERS, verifyPull } from '../../contracts/pull-signing.ts';
import { startCdnNode, type CdnNode } from './support/cdn-node.ts';

const nodePort = 19910;
const originPort = 19911;
const nodeKey = 'cdn-test-node-key-0123456789';
const base = `http://127.0.0.1:${nodePort}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const pullSecret = 'cdn-test-pull-secret-0123456789';
const originHits: string[] = [];
/** The pull headers of every origin hit, checked against the secret as the real gateway would. */
const originPulls: Array<{ url: string; method: string; expires?: string; signature?: string }> = [];
let dir: string;
let origin: Server;
let node: CdnNode;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vora-cdn-node-'));
  origin = createServer((request, response) => {
    originHits.push(request.url ?? '');
    originPulls.push({ url: request.url ?? '', method: request.method ?? '', expires: request.headers[PULL_HEADERS.expires] as string | undefined, signature: request.headers[PULL_HEADERS.signature] as string | undefined });
    response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable' });
    response.end(`bytes of ${request.url}`);
  });
  await new Promise<void>((resolve) => origin.listen(originPort, '127.0.0.1', resolve));
  node = await startCdnNode({ nodeId: 'test-1', listen: `127.0.0.1:${nodePort}`, originHostPort: `127.0.0.1:${originPort}`, nodeDir: dir, nodeKey, pullSecret });
});

afterAll(async () => {
  await node?.stop();
  await new Promise((resolve) => origin?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('a CDN node from the shipped template', () => {
  const valid = signSegmentToken({ videoId: 'vid_a', expires: nowSeconds() + 600, secret: nodeKey });

  it('serves every file of the signed video through its cache, fetching each once from the origin', async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${base}/media/vid_a/720p/seg_00001.m4s?${valid.query}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('bytes of /media/vid_a/720p/seg_00001.m4s?' + valid.query);
      expect(response.headers.get('x-cache-status')).toBe(i === 0 ? 'MISS' : 'HIT');
      expect(response.headers.get('x-vora-node')).toBe('test-1');
    }
    expect((await fetch(`${base}/media/vid_a/360p/init.mp4?${valid.query}`)).status).toBe(200);
    expect(originHits.filter((hit) => hit.startsWith('/media/vid_a/720p/seg_00001.m4s'))).toHaveLength(1);
  });

  it("serves a caption track's WebVTT segments (a cap_ folder) under the video's token, and no other video's", async () => {
    const path = '/media/vid_a/cap_fr1/seg_00002.vtt';
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(`${base}${path}?${valid.query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache-status')).toBe(i === 0 ? 'MISS' : 'HIT');
    }
    expect(originHits.filter((hit) => hit.startsWith(path))).toHaveLength(1);
    expect((await fetch(`${base}/media/vid_b/cap_fr1/seg_00002.vtt?${valid.query}`)).status).toBe(403);
  });

  it('refuses another video, a forged or missing token, and a wrong key before reaching the origin', async () => {
    const before = originHits.length;
    const status = async (path: string) => (await fetch(`${base}${path}`)).status;
    expect(await status(`/media/vid_b/720p/seg_00001.m4s?${valid.query}`)).toBe(403);
    expect(await status(`/media/vid_a/720p/seg_00002.m4s?${valid.query.replace(/e=\d+/, `e=${valid.expires + 60}`)}`)).toBe(403);
    expect(await status('/media/vid_a/720p/seg_00002.m4s')).toBe(403);
    const otherKey = signSegmentToken({ videoId: 'vid_a', expires: valid.expires, secret: 'some-other-key-0123456789' });
    expect(await status(`/media/vid_a/720p/seg_00002.m4s?${otherKey.query}`)).toBe(403);
    // A live input's token covers /media/live/{inputId}/ only: not another input, not the live folder, not a video.
    const live = signSegmentToken({ videoId: 'live_a', live: true, expires: valid.expires, secret: nodeKey });
    expect(await status(`/media/live/live_b/b1/360p/seg_00001.m4s?${live.query}`)).toBe(403);
    expect(await status(`/media/live/seg_00001.m4s?${live.query}`)).toBe(403);
    expect(await status(`/media/live_a/360p/seg_00001.m4s?${live.query}`)).toBe(403);
    expect(await status(`/media/live/live_a/b1/360p/seg_00001.m4s?${valid.query}`)).toBe(403);
    // fetch normalises the dots away: the node sees /etc/passwd, which is not under /media/.
    expect(await status('/media/../etc/passwd')).toBe(404);
    expect(originHits.length).toBe(before);
  });

  it('signs every pull from its upstream with the pull secret (nginx njs), so a private gateway lets it in', async () => {
    expect((await fetch(`${base}/media/vid_a/1080p/seg_00003.m4s?${valid.query}`, { method: 'HEAD' })).status).toBe(200);
    expect(originPulls.length).toBeGreaterThan(0);
    for (const pull of originPulls) {
      const verdict = await verifyPull({ method: pull.method, path: new URL(pull.url, 'http://x').pathname, expires: pull.expires, signature: pull.signature, secret: pullSecret, nowSeconds: nowSeconds() });
      expect(verdict, pull.url).toEqual({ ok: true });
    }
  });

  it("serves a live input's segments, every broadcast and rung, under its live segment token", async () => {
    const live = signSegmentToken({ videoId: 'live_a', live: true, expires: nowSeconds() + 600, secret: nodeKey });
    for (const path of ['/media/live/live_a/b1/360p/seg_00007.m4s', '/media/live/live_a/b2/720p/init_1.mp4']) {
      const response = await fetch(`${base}${path}?${live.query}`);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe(`bytes of ${path}?${live.query}`);
    }
  });

  it('answers 410 to an expired token so the player fetches a fresh playlist', async () => {
    const expired = signSegmentToken({ videoId: 'vid_a', expires: nowSeconds() - 1, secret: nodeKey });
    expect((await fetch(`${base}/media/vid_a/720p/seg_00001.m4s?${expired.query}`)).status).toBe(410);
  });
});
