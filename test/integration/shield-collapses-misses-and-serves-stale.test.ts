/**
 * The origin shield as `npm start` runs it (Debian's varnishd, the VCL of shield/vcl.ts, stack/components/shield.ts)
 * in front of the real private gateway on real MinIO: concurrent misses make one gateway fetch, a stopped origin
 * still has its cached objects served, and nobody gets through the shield or to the gateway without a signature.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullHeaders } from '../../contracts/pull-signing.ts';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent, shieldUrl } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';
import { signedFetch } from './support/signed-pull.ts';

let gateway: GatewayStack;
let shield: StackRunner;
let base: string;
let dataDir: string;
let ctx: ReturnType<typeof stackContext>;
const segment = new Uint8Array(200_000).map((_, i) => (i * 13) % 251);
// Buffer.equals: a deep toEqual over 200 kB typed arrays costs seconds per answer.
const sameBytes = (bytes: ArrayBuffer) => Buffer.from(bytes).equals(Buffer.from(segment));
const pull = (path: string, init?: RequestInit) => signedFetch(`${base}${path}`, gateway.pullSecret, init);
const gatewayFetches = (path: string) => gateway.requests.filter((request) => request === `GET ${path}`).length;

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  gateway = await startGatewayStack(ports);
  await createVideo(gateway.sql, { id: 'vid_shield', title: 'shield' });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(gateway.sql, 'vid_shield', [from], to);
  await recordRendition(gateway.sql, { videoId: 'vid_shield', name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30, playlistKey: 'vid_shield/360p/playlist.m3u8' });
  for (const n of [1, 2, 3]) await gateway.put(`vid_shield/360p/seg_0000${n}.m4s`, segment);
  dataDir = await mkdtemp(join(tmpdir(), 'vora-shield-'));
  ctx = stackContext(ports, { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: gateway.pullSecret, minioUser: 't', minioPassword: 't', secretsKey: 'dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=' }, dataDir);
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: Number(new URL(gateway.gatewayUrl).port), memory: '64m' })], ctx.logDir);
  await shield.start();
  base = shieldUrl(ctx);
}, 120_000);

afterAll(async () => {
  await shield?.stop(5_000);
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the shield in front of the private gateway', () => {
  it('finds the gateway healthy: its unsigned health route says whether storage answers', async () => {
    const health = await fetch(`${gateway.gatewayUrl}/media/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.status).toBe(200);
  });

  it('turns 40 concurrent misses of one segment into one gateway fetch, whatever segment tokens the viewers carry', async () => {
    const path = '/media/vid_shield/360p/seg_00001.m4s';
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => pull(`${path}?st=viewer${i}&e=${i}`)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(sameBytes(await answer.arrayBuffer())).toBe(true);
    }
    expect(gatewayFetches(path)).toBe(1);
    const again = await pull(path, { method: 'HEAD' });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-shield-cache')).toBe('HIT');
    expect(again.headers.get('cache-control')).toContain('immutable');
    expect(gatewayFetches(path)).toBe(1);
  });

  it('refuses unsigned, forged and expired pulls itself, in the JSON error shape', async () => {
    const path = '/media/vid_shield/360p/seg_00001.m4s';
    const unsigned = await fetch(`${base}${path}`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toMatch(/json/);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('unsigned_pull');
    const now = Math.floor(Date.now() / 1000);
    const forged = await pullHeaders({ method: 'GET', path, secret: 'another-secret-0123456789', nowSeconds: now });
    expect((await fetch(`${base}${path}`, { headers: forged })).status).toBe(401);
    const expired = await pullHeaders({ method: 'GET', path, secret: gateway.pullSecret, nowSeconds: now - 600 });
    const late = await fetch(`${base}${path}`, { headers: expired });
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('expired_pull');
    expect((await fetch(`${base}/v1/videos`)).status).toBe(404);
  });

  it('is refused by the gateway when asked directly without a signature (only the shield gets in)', async () => {
    const direct = await fetch(`${gateway.gatewayUrl}/media/vid_shield/360p/seg_00002.m4s`);
    expect(direct.status).toBe(401);
    expect(((await direct.json()) as { error: { code: string } }).error.code).toBe('unsigned_pull');
  });

  it('still fetches a miss while its health probe calls the gateway sick: the probe decides how stale an answer may be, not whether to ask', async () => {
    // In front of the gateway, a proxy whose health route fails (storage slow to answer, or the origin still starting).
    const gatewayPort = Number(new URL(gateway.gatewayUrl).port);
    let failedProbes = 0;
    const failingHealth: Server = createServer((req, res) => {
      if (req.url === '/media/healthz') {
        failedProbes += 1;
        return void res.writeHead(503).end();
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: gatewayPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => failingHealth.listen(0, '127.0.0.1', resolve));
    // The block's spare port (first + 18) for a second shield.
    const sickCtx = { ...ctx, ports: { ...ctx.ports, shield: ctx.ports.shield + 1 }, dataDir: join(dataDir, 'sick'), logDir: join(dataDir, 'sick-logs') };
    const sickShield = new StackRunner([shieldComponent(sickCtx, { gatewayPort: (failingHealth.address() as AddressInfo).port, memory: '32m' })], sickCtx.logDir);
    try {
      await sickShield.start();
      // Three failed probes fill the probe's window: the gateway is sick to this shield from here on.
      await waitFor(() => failedProbes >= 3, { timeoutMs: 10_000, what: 'three failed health probes' });
      const answer = await signedFetch(`${shieldUrl(sickCtx)}/media/vid_shield/360p/seg_00002.m4s`, gateway.pullSecret);
      expect(answer.status).toBe(200);
      expect(sameBytes(await answer.arrayBuffer())).toBe(true);
    } finally {
      await sickShield.stop(5_000);
      await new Promise((resolve) => failingHealth.close(resolve));
    }
  }, 30_000);

  it('keeps serving what it holds, playlists past their max-age included, while the origin is down', async () => {
    const master = '/media/vid_shield/master.m3u8';
    const first = await pull(master);
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).toContain('360p/playlist.m3u8');
    expect(first.headers.get('cache-control')).toMatch(/max-age=2\b/);
    // Read to its end: a fetch the gateway's stop cuts short is no object the shield holds.
    const held = await pull('/media/vid_shield/360p/seg_00003.m4s');
    expect(held.status).toBe(200);
    expect(sameBytes(await held.arrayBuffer())).toBe(true);

    await gateway.stopGateway();
    // Well past the master's 2 s max-age: every answer must still be the copy the shield holds.
    const until = Date.now() + 6_000;
    let rounds = 0;
    while (Date.now() < until) {
      const [playlist, media] = await Promise.all([pull(master), pull('/media/vid_shield/360p/seg_00003.m4s')]);
      expect(playlist.status).toBe(200);
      expect(await playlist.text()).toBe(text);
      expect(media.status).toBe(200);
      expect(sameBytes(await media.arrayBuffer())).toBe(true);
      rounds += 1;
      await new Promise((resolve) => setTimeout(resolve, 250)); // paces the rounds across the 6 s: the time past max-age is the claim
    }
    expect(rounds).toBeGreaterThan(5);
    const stale = await pull(master);
    expect(Number(stale.headers.get('age'))).toBeGreaterThan(2);

    // What it never held cannot be served: a clear 503, not a hang.
    const missing = await pull('/media/vid_shield/360p/seg_00002.m4s', { signal: AbortSignal.timeout(10_000) });
    expect(missing.status).toBe(503);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('origin_unavailable');
  }, 30_000);
});
