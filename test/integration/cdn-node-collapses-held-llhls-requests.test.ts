/**
 * LL-HLS at a CDN node: the shipped nginx template, rendered by renderNginxConfig, in front of a stand-in upstream
 * that holds requests as the origin's LL-HLS gateway does (a preload-hinted part until it exists, a blocking
 * playlist reload until its part exists, at most 6 s). Proves that concurrent viewers waiting for one part cost one
 * upstream fetch, that a part's 404 (a withdrawn hint) is never kept, and that blocking reloads are keyed on their
 * directives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PULL_HEADERS, verifyPull } from '../../contracts/pull-signing.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { testPorts } from '../support/ports.ts';
import { sleep } from '../support/wait.ts';
import { startCdnNode, type CdnNode } from './support/cdn-node.ts';

const nodeKey = 'llhls-node-key-0123456789';
const pullSecret = 'llhls-pull-secret-0123456789';
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The origin's longest hold (3 target durations of 2 s): the worst case the node's cache lock must outlast. */
const ORIGIN_HOLD_MS = 6000;
const folder = '/media/live/in_1/b1/720p/';

let base: string;
let dir: string;
let upstream: Server;
let node: CdnNode;
/** Every upstream request: full URL as received, and whether its pull signature holds. */
const upstreamRequests: { url: string; signed: boolean }[] = [];
const hits = (path: string) => upstreamRequests.filter((request) => request.url.split('?')[0] === path);

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;
/** What the stand-in gateway does per path; everything else is 404. */
const routes = new Map<string, Handler>();
const answer = (response: ServerResponse, status: number, body: string, cacheControl: string) => {
  response.writeHead(status, { 'content-type': status === 200 ? 'video/iso.segment' : 'application/json', 'cache-control': cacheControl });
  response.end(body);
};

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  const [nodePort, upstreamPort] = [ports.cdnNodes[0], ports.origin];
  base = `http://127.0.0.1:${nodePort}`;
  dir = await mkdtemp(join(tmpdir(), 'vora-llhls-node-'));
  upstream = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://upstream');
    const verdict = await verifyPull({ method: request.method ?? 'GET', path: url.pathname, expires: request.headers[PULL_HEADERS.expires] as string, signature: request.headers[PULL_HEADERS.signature] as string, secret: pullSecret, nowSeconds: nowSeconds() });
    upstreamRequests.push({ url: request.url ?? '', signed: verdict.ok });
    const handler = routes.get(url.pathname);
    if (!handler) return answer(response, 404, '{"error":{"code":"not_found","message":"no such object"}}', 'no-store');
    handler(request, response, hits(url.pathname).length);
  });
  await new Promise<void>((resolve) => upstream.listen(upstreamPort, '127.0.0.1', resolve));
  node = await startCdnNode({ nodeId: 'll-1', listen: `127.0.0.1:${nodePort}`, originHostPort: `127.0.0.1:${upstreamPort}`, nodeDir: dir, nodeKey, pullSecret });
});

afterAll(async () => {
  await node?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const token = () => signSegmentToken({ videoId: 'in_1', live: true, expires: nowSeconds() + 600, secret: nodeKey }).query;

describe('a CDN node in front of an LL-HLS origin', () => {
  it(`makes one upstream fetch for 100 viewers waiting on a hinted part the origin holds ${ORIGIN_HOLD_MS / 1000} s`, async () => {
    const part = `${folder}seg_00003.part2.m4s`;
    let answeredAt = 0;
    routes.set(part, (_request, response) => {
      setTimeout(() => {
        answeredAt = performance.now();
        answer(response, 200, 'bytes of part 3.2', 'public, max-age=31536000, immutable');
      }, ORIGIN_HOLD_MS);
    });
    // Viewers arrive over the first second of the hold, as players reading the hint at different moments.
    const viewers = Array.from({ length: 100 }, async (_, i) => {
      await sleep(Math.floor(i / 10) * 100);
      const response = await fetch(`${base}${part}?${token()}`);
      return { status: response.status, body: await response.text(), cache: response.headers.get('x-cache-status'), doneAt: performance.now() };
    });
    const results = await Promise.all(viewers);
    expect(hits(part)).toHaveLength(1);
    expect(hits(part)[0]!.signed).toBe(true);
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(results.map((r) => r.body))).toEqual(new Set(['bytes of part 3.2']));
    // How late the waiters got the part after the one upstream answer (nginx polls its cache lock every 500 ms).
    const lagsMs = results.map((r) => r.doneAt - answeredAt).sort((a, b) => a - b);
    console.log(`[llhls-node] 100 viewers, 1 upstream fetch; lag after the upstream answer: median ${lagsMs[50]!.toFixed(0)} ms, max ${lagsMs[99]!.toFixed(0)} ms; cache statuses ${JSON.stringify(countBy(results.map((r) => r.cache ?? 'none')))}`);
    expect(lagsMs[99]).toBeLessThan(1000);
    // And from the cache afterwards.
    const again = await fetch(`${base}${part}?${token()}`);
    expect(again.headers.get('x-cache-status')).toBe('HIT');
    expect(hits(part)).toHaveLength(1);
  }, 30_000);

  it("never keeps a part's 404 (a withdrawn hint whose name exists a moment later), but keeps a segment's briefly", async () => {
    const part = `${folder}seg_00004.part0.m4s`;
    const segment = `${folder}seg_00009.m4s`;
    for (const path of [part, segment]) routes.set(path, (_request, response, count) => (count === 1 ? answer(response, 404, '{"error":{"code":"not_found","message":"withdrawn"}}', 'public, max-age=5') : answer(response, 200, `bytes of ${path}`, 'public, max-age=31536000, immutable')));
    expect((await fetch(`${base}${part}?${token()}`)).status).toBe(404);
    const exists = await fetch(`${base}${part}?${token()}`);
    expect(exists.status).toBe(200);
    expect(await exists.text()).toBe(`bytes of ${part}`);
    expect(hits(part)).toHaveLength(2);
    // The contrast: a segment's 404 is served from the cache for a while (one fetch for a burst of early asks).
    expect((await fetch(`${base}${segment}?${token()}`)).status).toBe(404);
    const cached = await fetch(`${base}${segment}?${token()}`);
    expect(cached.status).toBe(404);
    expect(cached.headers.get('x-cache-status')).toBe('HIT');
    expect(hits(segment)).toHaveLength(1);
  });

  it('keys a blocking playlist reload on _HLS_msn/_HLS_part (not the token), forwards them, and collapses identical ones', async () => {
    const playlist = `${folder}playlist.m3u8`;
    routes.set(playlist, (request, response) => {
      const url = new URL(request.url ?? '/', 'http://upstream');
      const msn = url.searchParams.get('_HLS_msn');
      const body = msn === null ? '#EXTM3U plain' : `#EXTM3U held for ${msn}.${url.searchParams.get('_HLS_part')}`;
      // Long enough that the plain one is still cached at the end: a held answer must not have replaced it.
      setTimeout(() => answer(response, 200, body, 'public, max-age=30'), msn === null ? 0 : 1500);
    });
    expect(await (await fetch(`${base}${playlist}?${token()}`)).text()).toBe('#EXTM3U plain');
    const blocking = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${base}${playlist}?${token()}&_HLS_msn=3&_HLS_part=2`)).text()));
    expect(new Set(blocking)).toEqual(new Set(['#EXTM3U held for 3.2']));
    expect(await (await fetch(`${base}${playlist}?${token()}&_HLS_msn=3&_HLS_part=3`)).text()).toBe('#EXTM3U held for 3.3');
    const plain = await fetch(`${base}${playlist}?${token()}`);
    expect(await plain.text()).toBe('#EXTM3U plain');
    expect(plain.headers.get('x-cache-status')).toBe('HIT');
    // One fetch each: plain, 3.2 (ten viewers), 3.3; the directives reached the upstream, signed over the path.
    const asked = hits(playlist).map((request) => new URL(request.url, 'http://upstream').searchParams);
    expect(asked.map((params) => [params.get('_HLS_msn'), params.get('_HLS_part')])).toEqual([[null, null], ['3', '2'], ['3', '3']]);
    expect(hits(playlist).every((request) => request.signed)).toBe(true);
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
