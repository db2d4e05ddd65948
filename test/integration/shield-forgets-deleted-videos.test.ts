/**
 * Deleting a video purges it from the origin shield: the origin's DELETE route (origin/src/api/videos.ts) sends a
 * signed `BAN /media/{videoId}/` (origin/src/shield/purge-shields.ts) to real varnishd running the project's VCL, in
 * front of the real private gateway on real MinIO. Objects the shield held as immutable are asked of the gateway
 * again (and found gone); other videos stay cached; nobody but the origin purges.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullHeaders } from '../../contracts/pull-signing.ts';
import { purgePath } from '../../contracts/shield-purge.ts';
import type { VideoView } from '../../contracts/videos.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { videoRoutes } from '../../origin/src/api/videos.ts';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { createVideo, getVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { createVideoEventPublisher } from '../../origin/src/events/video-events.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { shieldPurgeOutbox } from '../../origin/src/shield/purge-outbox.ts';
import { shieldBan } from '../../origin/src/shield/purge-shields.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent, shieldUrl } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';
import { signedFetch } from './support/signed-pull.ts';

let gateway: GatewayStack;
let shield: StackRunner;
let base: string;
let dataDir: string;
let origin: ServerType | undefined;
let originUrl: string;
let deadShieldUrl: string;
let events: ReturnType<typeof createVideoEventPublisher>;
const segment = new Uint8Array(100_000).map((_, i) => (i * 7) % 251);
const pull = (path: string, init?: RequestInit) => signedFetch(`${base}${path}`, gateway.pullSecret, init);
const gatewayFetches = (path: string) => gateway.requests.filter((request) => request === `GET ${path}`).length;

async function readyVideo(id: string): Promise<void> {
  await createVideo(gateway.sql, { id, title: id });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(gateway.sql, id, [from], to);
  await recordRendition(gateway.sql, { videoId: id, name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30, playlistKey: `${id}/360p/playlist.m3u8` });
  await gateway.put(`${id}/360p/playlist.m3u8`, '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n', 'application/vnd.apple.mpegurl');
  await gateway.put(`${id}/360p/seg_00001.m4s`, segment);
}

/** A BAN sent from `localAddress` (another loopback address stands for a host outside the purgers ACL). */
function banFrom(localAddress: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: 'BAN', headers, localAddress }, (answer) => {
      let body = '';
      answer.on('data', (chunk) => (body += chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  gateway = await startGatewayStack(ports);
  for (const id of ['vid_doomed', 'vid_kept', 'vid_second']) await readyVideo(id);
  dataDir = await mkdtemp(join(tmpdir(), 'vora-shield-purge-'));
  const ctx = stackContext(ports, fakeSecrets({ pullSecret: gateway.pullSecret }), dataDir);
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: Number(new URL(gateway.gatewayUrl).port), memory: '64m' })], ctx.logDir);
  await shield.start();
  base = shieldUrl(ctx);
  // Nothing of this file listens on the block's Kafka port: it is the shield that does not answer, and Kafka is down
  // (events are best-effort: the DELETE goes on without them).
  deadShieldUrl = `http://127.0.0.1:${ports.kafka}`;

  const log = pino({ level: process.env.VORA_TEST_LOG ?? 'silent' });
  events = createVideoEventPublisher(kafkaClient([`127.0.0.1:${ports.kafka}`], 'video-events'), { log, timeoutMs: 300 });
  const routes = (shieldUrls: string[]) =>
    videoRoutes({ sql: gateway.sql, s3: gateway.s3, buckets: { raw: 'vora-raw', media: 'vora-media' }, events, log, publicUrl: 'http://127.0.0.1', grantTtlSeconds: 60, shieldPurges: shieldPurgeOutbox({ sql: gateway.sql, shieldUrls, ban: shieldBan({ pullSecret: gateway.pullSecret, timeoutMs: 1_000 }), log }) });
  const app = new Hono();
  app.route('/v1/videos', routes([base]));
  app.route('/with-dead-shield/v1/videos', routes([base, deadShieldUrl]));
  app.onError(handleApiErrors(log, { event: 'test_error' }));
  origin = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: ports.origin }, () => resolve(started));
  });
  originUrl = `http://127.0.0.1:${ports.origin}`;
}, 120_000);

afterAll(async () => {
  if (origin) await new Promise((resolve) => origin!.close(resolve));
  await events?.close();
  await shield?.stop(5_000);
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a deleted video leaves the shield', () => {
  it('is asked of the gateway again after the DELETE, found gone, while another video stays a hit', async () => {
    const paths = ['/media/vid_doomed/360p/playlist.m3u8', '/media/vid_doomed/360p/seg_00001.m4s', '/media/vid_kept/360p/seg_00001.m4s'];
    for (const path of paths) {
      expect((await pull(path)).status).toBe(200);
      const again = await pull(path);
      expect(again.headers.get('x-shield-cache'), path).toBe('HIT');
      expect(again.headers.get('cache-control'), path).toContain('immutable');
      await again.arrayBuffer();
    }
    const fetchesBefore = paths.map(gatewayFetches);
    expect(fetchesBefore).toEqual([1, 1, 1]);

    const deleted = await fetch(`${originUrl}/v1/videos/vid_doomed`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { state: string }).state).toBe('DELETED');

    // Immutable for a year, yet asked again: the gateway now says there is no such video.
    for (const path of paths.slice(0, 2)) {
      const gone = await pull(path);
      expect(gone.status, path).toBe(404);
      await gone.arrayBuffer();
      expect(gatewayFetches(path), path).toBe(2);
    }
    const kept = await pull(paths[2]!);
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-shield-cache')).toBe('HIT');
    expect(Buffer.from(await kept.arrayBuffer()).equals(Buffer.from(segment))).toBe(true);
    expect(gatewayFetches(paths[2]!)).toBe(1);
  });

  it('refuses a purge that is unsigned, forged, from an address outside its purgers, or wider than one video', async () => {
    const path = purgePath('vid_kept');
    const now = Math.floor(Date.now() / 1000);
    const signed = await pullHeaders({ method: 'BAN', path, secret: gateway.pullSecret, nowSeconds: now });
    const unsigned = await banFrom('127.0.0.1', path, {});
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.body).error.code).toBe('unsigned_pull');
    const forged = await banFrom('127.0.0.1', path, await pullHeaders({ method: 'BAN', path, secret: 'not-the-pull-secret-000', nowSeconds: now }));
    expect(forged.status).toBe(401);
    // A GET signature does not sign a BAN.
    const getSigned = await banFrom('127.0.0.1', path, await pullHeaders({ method: 'GET', path, secret: gateway.pullSecret, nowSeconds: now }));
    expect(getSigned.status).toBe(401);
    const outsider = await banFrom('127.0.0.2', path, signed);
    expect(outsider.status).toBe(403);
    expect(JSON.parse(outsider.body).error.code).toBe('forbidden');
    const everything = await banFrom('127.0.0.1', '/media/', await pullHeaders({ method: 'BAN', path: '/media/', secret: gateway.pullSecret, nowSeconds: now }));
    expect(everything.status).toBe(400);
    expect(JSON.parse(everything.body).error.code).toBe('bad_purge_path');

    const kept = await pull('/media/vid_kept/360p/seg_00001.m4s');
    expect(kept.headers.get('x-shield-cache')).toBe('HIT');
    await kept.arrayBuffer();
  });

  it('answers 200 with the video DELETED and the reachable shield purged, naming the shield it could not purge as pending', async () => {
    const path = '/media/vid_second/360p/seg_00001.m4s';
    await (await pull(path)).arrayBuffer();
    expect(gatewayFetches(path)).toBe(1);

    const deleted = await fetch(`${originUrl}/with-dead-shield/v1/videos/vid_second`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const video = (await deleted.json()) as VideoView;
    expect(video.state).toBe('DELETED');
    const purgeOf = (shield: string) => video.shieldPurges?.find((purge) => purge.shield === shield);
    expect(video.shieldPurges).toHaveLength(2);
    expect(purgeOf(base)).toMatchObject({ state: 'done', attempts: 1, lastError: null, nextAttemptAt: null });
    expect(purgeOf(deadShieldUrl)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'could not be reached (ECONNREFUSED)' });
    expect((await getVideo(gateway.sql, 'vid_second'))?.state).toBe('DELETED');
    expect((await pull(path)).status).toBe(404);
    expect(gatewayFetches(path)).toBe(2);
  });
});
