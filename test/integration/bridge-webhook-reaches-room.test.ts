import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext } from '../../stack/component.ts';
import { kafkaComponent } from '../../stack/components/kafka.ts';
import { StackRunner } from '../../stack/runner.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { createVideoEventPublisher, newVideoEvent } from '../../origin/src/events/video-events.ts';
import { startRoomBridge, type RoomBridge } from '../../origin/src/bridge/room-bridge.ts';
import { createChannelEventPublisher, type ChannelEventPublisher } from '../../origin/src/webhooks/channel-event-publisher.ts';
import { sqlMessageIdStore } from '../../origin/src/webhooks/message-ids.ts';
import { newTwitchWebhookCounters, twitchWebhookRoutes } from '../../origin/src/webhooks/twitch-routes.ts';
import { sqlTwitchLinkRegistry, startLink } from '../../origin/src/twitch-link/link-rows.ts';
import { startEdgeStandin, type EdgeStandin } from './support/bridge-edge-standin.ts';
import { streamOnlineBody, twitchRequest } from '../support/twitch-requests.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Kafka on 26092/26093: clear of the defaults, of the e2e stack (+10000) and of other integration files.
const ctx = stackContext(await testPorts(import.meta.url), fakeSecrets(), mkdtempSync(join(tmpdir(), 'vora-bridge-')));
const kafkaSpec = kafkaComponent(ctx);
const stack = new StackRunner([kafkaSpec], ctx.logDir);
const secret = 'twitch-webhook-secret-for-tests';
const log = pino({ level: process.env.BRIDGE_TEST_LOG ?? 'silent' });
const kafka = new Kafka({ clientId: 'bridge-test', brokers: [kafkaSpec.url], logLevel: logLevel.NOTHING });

let sql: Sql;
let edge: EdgeStandin;
let publisher: ChannelEventPublisher;
let webhookServer: ServerType;
let webhookUrl: string;
let bridge: RoomBridge | undefined;
const counters = newTwitchWebhookCounters();
const startBridge = () =>
  startRoomBridge({ kafka: kafkaClient([kafkaSpec.url], 'room-bridge'), edgeUrl: edge.url, internalSecret: ctx.secrets.internalSecret, log, fromBeginning: true, backoff: { baseMs: 50, maxMs: 400 } });

/** Every message on `channel-events` so far (a fresh group reading from the start). */
async function channelEventIds(): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets('channel-events');
    const total = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
    if (total === 0) return [];
    const consumer = kafka.consumer({ groupId: `bridge-test-reader-${Date.now()}` });
    const ids: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'channel-events', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${ids.length}/${total} channel events in 20 s`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          ids.push((JSON.parse(String(message.value)) as { id: string }).id);
          if (ids.length >= total) (clearTimeout(timer), resolve());
        },
      });
    });
    await consumer.disconnect();
    return ids;
  } finally {
    await admin.disconnect();
  }
}

const postWebhook = (request: { headers: Record<string, string>; body: string }) => fetch(webhookUrl, { method: 'POST', headers: request.headers, body: request.body });

describe('Twitch webhook → Kafka → room bridge → edge', () => {
  beforeAll(async () => {
    const startedAt = Date.now();
    await stack.start();
    console.log(`[bridge] Kafka ready in ${Date.now() - startedAt} ms`);
    sql = await openDatabase({ pgliteDir: join(ctx.dataDir, 'pglite') });
    edge = await startEdgeStandin(ctx.secrets.internalSecret);
    publisher = createChannelEventPublisher(kafkaClient([kafkaSpec.url], 'channel-events'));
    // Broadcaster 1337 is linked to channel 1337, as `vora channels link-twitch 1337 --login …` leaves it; 666 to none.
    await sql.query(`INSERT INTO channels (id, title) VALUES ('1337', 'Linked')`);
    expect(await startLink(sql, { channelId: '1337', broadcasterId: '1337', login: 'cool_user', displayName: 'Cool_User' })).toEqual({ ok: true });
    const app = new Hono().route('/v1/webhooks/twitch', twitchWebhookRoutes({ secret, messageIds: sqlMessageIdStore(sql), publisher, links: sqlTwitchLinkRegistry(sql), counters, log }));
    webhookServer = await new Promise<ServerType>((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(server));
    });
    webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/v1/webhooks/twitch`;
    bridge = startBridge();
    const joinStartedAt = Date.now();
    await bridge.ready;
    console.log(`[bridge] consumer group joined in ${Date.now() - joinStartedAt} ms`);
  }, 180_000);

  afterAll(async () => {
    await bridge?.stop();
    await publisher?.close();
    await new Promise<void>((resolve) => (webhookServer ? webhookServer.close(() => resolve()) : resolve()));
    await edge?.close();
    await sql?.close();
    await stack.stop(15_000);
    rmSync(ctx.dataDir, { recursive: true, force: true });
  }, 60_000);

  it('delivers a verified stream.online to channel-{broadcaster} exactly once, through 503s and a Twitch resend', async () => {
    edge.failNext(3);
    const request = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('1337') });
    const startedAt = Date.now();
    expect((await postWebhook(request)).status).toBe(204);
    await edge.waitFor((posts) => posts.some((post) => post.status === 200 && post.body.id === `twitch_${request.messageId}`), 30_000, 'the stream.online event');
    console.log(`[bridge] webhook → edge in ${Date.now() - startedAt} ms, through ${edge.posts.length - 1} answers of 503`);

    // Twitch resends the same message (new timestamp, same id): 2xx, not published again.
    const resend = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('1337'), messageId: request.messageId });
    expect((await postWebhook(resend)).status).toBe(204);

    const broadcasts = edge.broadcasts('channel-1337');
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]!.body).toMatchObject({ id: `twitch_${request.messageId}`, type: 'stream.online', data: { broadcaster_user_id: '1337', broadcasterId: '1337', channelId: '1337', source: 'twitch' } });
    expect(edge.posts.filter((post) => post.body.id === `twitch_${request.messageId}`).map((post) => post.status)).toEqual([503, 503, 503, 200]);
    expect(await channelEventIds()).toEqual([`twitch_${request.messageId}`]);
  });

  it('counts and drops the events of a broadcaster no channel is linked to, before Kafka', async () => {
    const unlinked = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('555') });
    expect((await postWebhook(unlinked)).status).toBe(204);
    expect(counters.unlinkedDropped).toBe(1);
    expect(await channelEventIds()).not.toContain(`twitch_${unlinked.messageId}`);
    expect(edge.posts.filter((post) => post.room === 'channel-555')).toEqual([]);
  });

  it('never lets a badly signed notification reach Kafka', async () => {
    const forged = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('666'), signWith: 'not-the-webhook-secret' });
    expect((await postWebhook(forged)).status).toBe(403);
    const tampered = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('666') });
    expect((await postWebhook({ ...tampered, body: tampered.body.replace('666', '667') })).status).toBe(403);
    expect(await channelEventIds()).not.toContain(`twitch_${forged.messageId}`);
    expect(await channelEventIds()).not.toContain(`twitch_${tampered.messageId}`);
    expect(edge.posts.filter((post) => post.room.startsWith('channel-66'))).toEqual([]);
  });

  it('lets exactly one of two concurrent deliveries of one message id through the DB store, and a released id again', async () => {
    const store = sqlMessageIdStore(sql);
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claim('twitch', 'concurrent-id')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.release('twitch', 'concurrent-id');
    expect(await store.claim('twitch', 'concurrent-id')).toBe(true);
    expect(await store.claim('other-source', 'concurrent-id')).toBe(true);
  });

  it('delivers a video event to video-{videoId}', async () => {
    const videoEvents = createVideoEventPublisher(kafkaClient([kafkaSpec.url], 'video-events'), { log });
    const event = newVideoEvent('vid_bridge1', 'READY');
    await videoEvents.publish(event);
    await videoEvents.close();
    expect(videoEvents.stats()).toEqual({ sent: 1, dropped: 0 });
    await edge.waitFor((posts) => posts.some((post) => post.room === 'video-vid_bridge1'), 30_000, 'the video.ready event');
    expect(edge.broadcasts('video-vid_bridge1').map((post) => post.body)).toEqual([{ id: event.id, type: 'video.ready', at: event.at, data: { videoId: 'vid_bridge1', state: 'READY' } }]);
  });

  it('keeps an event the edge never took uncommitted across a bridge restart, and delivers it after', async () => {
    edge.failNext(1_000_000);
    const videoEvents = createVideoEventPublisher(kafkaClient([kafkaSpec.url], 'video-events'), { log });
    const event = newVideoEvent('vid_restart', 'PROCESSING');
    await videoEvents.publish(event);
    await videoEvents.close();
    await edge.waitFor((posts) => posts.filter((post) => post.body.id === event.id).length >= 2, 30_000, 'two failed attempts');
    const stoppedAt = Date.now();
    await bridge!.stop();
    console.log(`[bridge] stopped mid-retry in ${Date.now() - stoppedAt} ms`);
    edge.failNext(0);
    bridge = startBridge();
    await edge.waitFor((posts) => posts.some((post) => post.body.id === event.id && post.status === 200), 60_000, 'the event after the restart');
    expect(edge.broadcasts('video-vid_restart').map((post) => post.body.id)).toEqual([event.id]);
    // The events delivered before the restart were committed: none of them came back.
    expect(edge.broadcasts().filter((post) => post.room !== 'video-vid_restart')).toHaveLength(2);
    expect(edge.posts.filter((post) => post.room === 'channel-1337' && post.status === 200)).toHaveLength(1);
  });
});
