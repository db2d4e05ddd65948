/**
 * A shield that cannot be purged when a video is deleted is purged later, without another DELETE: the DELETE
 * (origin/src/api/videos.ts) records one purge per shield in `shield_purges` with the DELETED state change, answers
 * 200 listing the purge as pending, and the outbox loop (origin/src/shield/purge-outbox.ts) retries the signed BAN
 * until real varnishd, running the project's VCL in front of the real private gateway on real MinIO, acknowledges.
 *
 * A restarted varnishd starts with an empty cache, so stopping it cannot show that a cached object stops being
 * served. The first case therefore cuts the origin's path to a running shield (a TCP relay: the shield keeps serving
 * viewers from its cache) and restores it; the second stops and starts the shield process itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShieldPurgeView, VideoView } from '../../contracts/videos.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { videoRoutes } from '../../origin/src/api/videos.ts';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { requestShieldPurges, shieldPurgesOf } from '../../origin/src/db/shield-purges.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { createVideoEventPublisher } from '../../origin/src/events/video-events.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { shieldPurgeOutbox } from '../../origin/src/shield/purge-outbox.ts';
import { shieldBan } from '../../origin/src/shield/purge-shields.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent, shieldUrl } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';
import { signedFetch } from './support/signed-pull.ts';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.ts';

let gateway: GatewayStack;
let shield: StackRunner;
let relay: TcpRelay;
let base: string;
let dataDir: string;
let origin: ServerType | undefined;
let originUrl: string;
let deadShieldUrl: string;
let events: ReturnType<typeof createVideoEventPublisher>;
let purgeLoop: { stop(): Promise<void> } | undefined;
const segment = new Uint8Array(50_000).map((_, i) => (i * 13) % 251);
const pull = (path: string) => signedFetch(`${base}${path}`, gateway.pullSecret);
const gatewayFetches = (path: string) => gateway.requests.filter((request) => request === `GET ${path}`).length;
const segmentOf = (id: string) => `/media/${id}/360p/seg_00001.m4s`;

async function readyVideo(id: string): Promise<void> {
  await createVideo(gateway.sql, { id, title: id });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(gateway.sql, id, [from], to);
  await recordRendition(gateway.sql, { videoId: id, name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30, playlistKey: `${id}/360p/playlist.m3u8` });
  await gateway.put(`${id}/360p/seg_00001.m4s`, segment);
}

/** The video's segment cached by the shield: asked of the gateway once, then a HIT. */
async function cachedInShield(id: string): Promise<void> {
  const path = segmentOf(id);
  await (await pull(path)).arrayBuffer();
  const again = await pull(path);
  expect(again.headers.get('x-shield-cache')).toBe('HIT');
  await again.arrayBuffer();
  expect(gatewayFetches(path)).toBe(1);
}

async function deleteVideo(id: string, prefix = ''): Promise<VideoView & { shieldPurges: ShieldPurgeView[] }> {
  const answer = await fetch(`${originUrl}${prefix}/v1/videos/${id}`, { method: 'DELETE' });
  expect(answer.status).toBe(200);
  return (await answer.json()) as VideoView & { shieldPurges: ShieldPurgeView[] };
}

const purgeDone = async (id: string) => (await shieldPurgesOf(gateway.sql, id))[0]?.state === 'done';

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  gateway = await startGatewayStack(ports);
  dataDir = await mkdtemp(join(tmpdir(), 'vora-shield-purge-retry-'));
  const ctx = stackContext(ports, fakeSecrets({ pullSecret: gateway.pullSecret }), dataDir);
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: Number(new URL(gateway.gatewayUrl).port), memory: '32m' })], ctx.logDir);
  await shield.start();
  base = shieldUrl(ctx);
  // The origin reaches the shield through the relay (on the block's ingest-stat port, unused here); viewers do not.
  relay = await startTcpRelay(ports.ingestStat, ports.shield);
  // Nothing of this file listens on the block's Kafka port: a shield that never answers (and Kafka is down too:
  // events are best-effort, the DELETE goes on without them).
  deadShieldUrl = `http://127.0.0.1:${ports.kafka}`;

  const log = pino({ level: process.env.VORA_TEST_LOG ?? 'silent' });
  events = createVideoEventPublisher(kafkaClient([`127.0.0.1:${ports.kafka}`], 'video-events'), { log, timeoutMs: 300 });
  const ban = shieldBan({ pullSecret: gateway.pullSecret, timeoutMs: 1_000 });
  const outbox = shieldPurgeOutbox({ sql: gateway.sql, shieldUrls: [relay.url], ban, log });
  purgeLoop = outbox.start();
  const givingUp = shieldPurgeOutbox({ sql: gateway.sql, shieldUrls: [deadShieldUrl], ban, log, giveUpAfterMs: 0 });
  const routes = (shieldPurges: typeof outbox) =>
    videoRoutes({ sql: gateway.sql, s3: gateway.s3, buckets: { raw: 'vora-raw', media: 'vora-media' }, events, log, publicUrl: 'http://127.0.0.1', grantTtlSeconds: 60, shieldPurges });
  const app = new Hono();
  app.route('/v1/videos', routes(outbox));
  app.route('/gives-up/v1/videos', routes(givingUp));
  app.onError(handleApiErrors(log, { event: 'test_error' }));
  origin = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: ports.origin }, () => resolve(started));
  });
  originUrl = `http://127.0.0.1:${ports.origin}`;
}, 120_000);

afterAll(async () => {
  await purgeLoop?.stop();
  if (origin) await new Promise((resolve) => origin!.close(resolve));
  await relay?.close();
  await events?.close();
  await shield?.stop(5_000);
  await gateway?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a shield purge that failed at the DELETE', () => {
  it('is retried until the shield answers again; its cached object is then asked of the gateway again', async () => {
    await readyVideo('vid_cut');
    await cachedInShield('vid_cut');
    await relay.cut();

    const deleted = await deleteVideo('vid_cut');
    expect(deleted.state).toBe('DELETED');
    expect(deleted.shieldPurges).toHaveLength(1);
    expect(deleted.shieldPurges[0]).toMatchObject({ shield: relay.url, state: 'pending', attempts: 1 });
    expect(deleted.shieldPurges[0]!.lastError).toContain('could not be reached (ECONNREFUSED)');
    expect(Date.parse(deleted.shieldPurges[0]!.nextAttemptAt!)).toBeGreaterThan(Date.now());

    // Not purged yet: the shield still serves the deleted video from its cache.
    const stale = await pull(segmentOf('vid_cut'));
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-shield-cache')).toBe('HIT');
    await stale.arrayBuffer();
    // The loop keeps trying while the shield cannot be reached.
    await waitFor(async () => (await shieldPurgesOf(gateway.sql, 'vid_cut'))[0]!.attempts >= 2, { what: 'a second attempt by the loop', timeoutMs: 5_000 });
    expect((await shieldPurgesOf(gateway.sql, 'vid_cut'))[0]!.state).toBe('pending');

    await relay.restore();
    const restoredAt = Date.now();
    await waitFor(() => purgeDone('vid_cut'), { what: 'the shield to acknowledge the purge', timeoutMs: 10_000 });
    console.info(`[shield-purge] acknowledged ${Date.now() - restoredAt} ms after the path to the shield was restored`);

    const gone = await pull(segmentOf('vid_cut'));
    expect(gone.status).toBe(404);
    await gone.arrayBuffer();
    expect(gatewayFetches(segmentOf('vid_cut'))).toBe(2);
    const read = (await (await fetch(`${originUrl}/v1/videos/vid_cut`)).json()) as VideoView;
    expect(read.shieldPurges).toEqual([expect.objectContaining({ shield: relay.url, state: 'done', lastError: null, nextAttemptAt: null })]);
  }, 30_000);

  it('is acknowledged once a stopped shield process is started again', async () => {
    await readyVideo('vid_stopped');
    await cachedInShield('vid_stopped');
    await shield.stop(5_000);

    const deleted = await deleteVideo('vid_stopped');
    expect(deleted.shieldPurges[0]).toMatchObject({ shield: relay.url, state: 'pending' });
    expect(deleted.shieldPurges[0]!.lastError).toMatch(/^could not be reached/);

    await shield.start();
    const startedAt = Date.now();
    await waitFor(() => purgeDone('vid_stopped'), { what: 'the restarted shield to acknowledge the purge', timeoutMs: 10_000 });
    console.info(`[shield-purge] acknowledged ${Date.now() - startedAt} ms after the shield was started again`);
    const gone = await pull(segmentOf('vid_stopped'));
    expect(gone.status).toBe(404);
    await gone.arrayBuffer();
  }, 30_000);

  it('is given up past its age, stays visible as abandoned, and a repeated DELETE tries it again', async () => {
    await readyVideo('vid_abandoned');
    const deleted = await deleteVideo('vid_abandoned', '/gives-up');
    expect(deleted.state).toBe('DELETED');
    expect(deleted.shieldPurges).toEqual([expect.objectContaining({ shield: deadShieldUrl, state: 'abandoned', attempts: 1, nextAttemptAt: null })]);
    expect(deleted.shieldPurges[0]!.lastError).toContain('ECONNREFUSED');
    const read = (await (await fetch(`${originUrl}/gives-up/v1/videos/vid_abandoned`)).json()) as VideoView;
    expect(read.shieldPurges?.[0]?.state).toBe('abandoned');

    const again = await deleteVideo('vid_abandoned', '/gives-up');
    expect(Date.parse(again.shieldPurges[0]!.requestedAt)).toBeGreaterThan(Date.parse(deleted.shieldPurges[0]!.requestedAt));
    expect(again.shieldPurges[0]).toMatchObject({ state: 'abandoned', attempts: 1 });
  }, 30_000);

  it('is given up at once for a shield taken out of VORA_SHIELD_URLS since', async () => {
    await readyVideo('vid_retired');
    const retired = 'http://127.0.0.1:1';
    await transitionVideo(gateway.sql, 'vid_retired', ['READY'], 'DELETED');
    await requestShieldPurges(gateway.sql, 'vid_retired', [retired], new Date());
    const purge = await waitFor(async () => (await shieldPurgesOf(gateway.sql, 'vid_retired')).find((row) => row.state !== 'pending'), { what: 'the loop to end the purge', timeoutMs: 5_000 });
    expect(purge).toMatchObject({ shield: retired, state: 'abandoned', attempts: 1, lastError: 'the shield is no longer in VORA_SHIELD_URLS' });
  }, 30_000);
});
