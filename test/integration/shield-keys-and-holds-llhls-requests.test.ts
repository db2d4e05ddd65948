/**
 * LL-HLS at the origin shield (Debian's varnishd, the VCL of shield/vcl.ts, run by stack/components/shield.ts) in
 * front of a stand-in gateway that holds requests as the LL-HLS gateway does (a blocking playlist reload until its
 * part exists, a preload-hinted part until it is written, at most 6 s). Proves that blocking reloads reach the
 * gateway with their directives and are keyed on them, that concurrent identical ones cost one gateway fetch, that
 * a 6-s hold outlasts the shield's patience, and that a part's 404 (a withdrawn hint) and a live playlist's are not kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPull, PULL_HEADERS } from '../../contracts/pull-signing.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent, shieldUrl } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { testPorts } from '../support/ports.ts';
import { signedFetch } from './support/signed-pull.ts';

const pullSecret = 'llhls-shield-pull-secret-0123456789';
/** The LL-HLS gateway's longest hold (3 target durations of 2 s), longer than the shield's 5 s for ordinary misses. */
const GATEWAY_HOLD_MS = 6000;
const folder = '/media/live/in_1/b1/720p/';

let gateway: Server;
let shield: StackRunner;
let base: string;
let dataDir: string;
const gatewayRequests: { url: string; signed: boolean }[] = [];
const fetchesOf = (path: string) => gatewayRequests.filter((request) => request.url.split('?')[0] === path);
const routes = new Map<string, (request: IncomingMessage, response: ServerResponse, count: number) => void>();
const pull = (path: string) => signedFetch(`${base}${path}`, pullSecret);
const answer = (response: ServerResponse, status: number, body: string, cacheControl: string) => {
  response.writeHead(status, { 'content-type': status === 200 ? 'application/octet-stream' : 'application/json', 'cache-control': cacheControl });
  response.end(body);
};

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  gateway = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    if (url.pathname === '/media/healthz') return answer(response, 200, '{"status":"ok"}', 'no-store');
    const verdict = await verifyPull({ method: request.method ?? 'GET', path: url.pathname, expires: request.headers[PULL_HEADERS.expires] as string, signature: request.headers[PULL_HEADERS.signature] as string, secret: pullSecret, nowSeconds: Math.floor(Date.now() / 1000) });
    gatewayRequests.push({ url: request.url ?? '', signed: verdict.ok });
    const handler = routes.get(url.pathname);
    if (!handler) return answer(response, 404, '{"error":{"code":"not_found","message":"no such object"}}', 'no-store');
    handler(request, response, fetchesOf(url.pathname).length);
  });
  await new Promise<void>((resolve) => gateway.listen(ports.origin, '127.0.0.1', resolve));
  dataDir = await mkdtemp(join(tmpdir(), 'vora-llhls-shield-'));
  const ctx = stackContext(ports, { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret, minioUser: 't', minioPassword: 't', secretsKey: 'dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=' }, dataDir);
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: ports.origin, memory: '32m' })], ctx.logDir);
  await shield.start();
  base = shieldUrl(ctx);
}, 60_000);

afterAll(async () => {
  await shield?.stop(5_000);
  await new Promise((resolve) => gateway?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

describe('the shield in front of an LL-HLS gateway', () => {
  it('forwards _HLS_msn/_HLS_part, keys on them, and turns 20 identical held reloads into one gateway fetch', async () => {
    const playlist = `${folder}playlist.m3u8`;
    routes.set(playlist, (request, response) => {
      const url = new URL(request.url ?? '/', 'http://gateway');
      const msn = url.searchParams.get('_HLS_msn');
      if (msn === null) return answer(response, 200, '#EXTM3U plain', 'public, max-age=1');
      // The worst a gateway could say about a held answer: no-store. The shield keeps it 1 s all the same.
      setTimeout(() => answer(response, 200, `#EXTM3U held for ${msn}.${url.searchParams.get('_HLS_part')}`, 'no-store'), 1500);
    });
    expect(await (await pull(`${playlist}?st=a&e=1`)).text()).toBe('#EXTM3U plain');
    const held = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await pull(`${playlist}?st=viewer${i}&_HLS_part=2&e=1&_HLS_msn=3`)).text()));
    expect(new Set(held)).toEqual(new Set(['#EXTM3U held for 3.2']));
    expect(await (await pull(`${playlist}?_HLS_msn=3&_HLS_part=3`)).text()).toBe('#EXTM3U held for 3.3');
    expect(await (await pull(`${playlist}?_HLS_msn=4`)).text()).toBe('#EXTM3U held for 4.null');
    const plain = await pull(playlist);
    expect(await plain.text()).toBe('#EXTM3U plain');
    // Only the directives travel on (never the viewers' tokens), in one order; each distinct ask is one fetch.
    const urls = fetchesOf(playlist).map((request) => request.url);
    expect(urls.filter((url) => url.includes('?'))).toEqual([`${playlist}?_HLS_msn=3&_HLS_part=2`, `${playlist}?_HLS_msn=3&_HLS_part=3`, `${playlist}?_HLS_msn=4`]);
    // The plain playlist: its own object (fetched again only once its 1 s is over).
    expect(urls.filter((url) => url === playlist).length).toBeGreaterThanOrEqual(1);
    expect(fetchesOf(playlist).every((request) => request.signed)).toBe(true);
  }, 20_000);

  it(`waits out a ${GATEWAY_HOLD_MS / 1000}-s hold of a hinted part (over the 5 s an ordinary miss gets), one fetch for 20 askers`, async () => {
    const part = `${folder}seg_00003.part4.m4s`;
    routes.set(part, (_request, response) => setTimeout(() => answer(response, 200, 'bytes of part 3.4', 'public, max-age=31536000, immutable'), GATEWAY_HOLD_MS));
    const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const response = await pull(`${part}?st=viewer${i}&e=1`);
      return { status: response.status, body: await response.text() };
    }));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set(['bytes of part 3.4']));
    expect(fetchesOf(part)).toHaveLength(1);
  }, 20_000);

  it("does not keep a part's 404 (a withdrawn hint whose name exists a moment later) nor a live playlist's, but keeps a segment's for 1 s", async () => {
    const part = `${folder}seg_00004.part0.m4s`;
    const segment = `${folder}seg_00008.m4s`;
    // A broadcast's rendition playlist before its first segment is stored: listed the moment it is written.
    const playlist = '/media/live/in_2/b1/720p/playlist.m3u8';
    routes.set(playlist, (_request, response, count) => (count === 1 ? answer(response, 404, '{"error":{"code":"not_found","message":"not yet"}}', 'no-store') : answer(response, 200, '#EXTM3U first', 'public, max-age=1')));
    expect((await pull(playlist)).status).toBe(404);
    const written = await pull(playlist);
    expect(written.status).toBe(200);
    expect(await written.text()).toBe('#EXTM3U first');
    expect(fetchesOf(playlist)).toHaveLength(2);
    for (const path of [part, segment]) routes.set(path, (_request, response, count) => (count === 1 ? answer(response, 404, '{"error":{"code":"not_found","message":"withdrawn"}}', 'no-store') : answer(response, 200, `bytes of ${path}`, 'public, max-age=31536000, immutable')));
    expect((await pull(part)).status).toBe(404);
    const exists = await pull(part);
    expect(exists.status).toBe(200);
    expect(await exists.text()).toBe(`bytes of ${part}`);
    const cached = await pull(part);
    expect(cached.headers.get('x-shield-cache')).toBe('HIT');
    expect(fetchesOf(part)).toHaveLength(2);
    expect((await pull(segment)).status).toBe(404);
    expect((await pull(segment)).status).toBe(404);
    expect(fetchesOf(segment)).toHaveLength(1);
  });
});
