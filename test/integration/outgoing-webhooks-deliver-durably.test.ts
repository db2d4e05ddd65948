/**
 * Outgoing webhooks end to end on real Kafka and Temporal: video events on `video-events` → the origin's consumer
 * → one `deliverWebhook` workflow per (event, endpoint) on a real worker → signed POSTs to a local receiver that
 * verifies them with the `standardwebhooks` library. Then the origin's own events (channel configuration, live
 * inputs, recordings), and the outbox that delivers them once Temporal takes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoEvent } from '../../contracts/video-events.ts';
import { WebhookDeliveryPage } from '../../contracts/webhooks.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { channelConfigRoutes } from '../../origin/src/channel-config/routes.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { createVideoEventPublisher } from '../../origin/src/events/video-events.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { webhookDeliveryRoutes } from '../../origin/src/outgoing-webhooks/delivery-routes.ts';
import { getWebhookDelivery, listWebhookDeliveries } from '../../origin/src/outgoing-webhooks/delivery-store.ts';
import { createWebhookDispatcher } from '../../origin/src/outgoing-webhooks/dispatcher.ts';
import { createWebhookEndpoint, getWebhookEndpoint, type NewlyKeyedEndpoint } from '../../origin/src/outgoing-webhooks/endpoint-store.ts';
import { sealedSecrets } from '../../origin/src/db/sealed-secrets.ts';
import { createWebhookEventEmitter, sweepUndispatchedWebhookEvents } from '../../origin/src/outgoing-webhooks/event-emitter.ts';
import { getWebhookEvent } from '../../origin/src/outgoing-webhooks/event-store.ts';
import { channelConfigWebhookEvent } from '../../origin/src/outgoing-webhooks/resource-events.ts';
import { liveAnnouncements } from '../../origin/src/live/live-announcements.ts';
import { claimPublisher, createLiveInput, releasePublisher } from '../../origin/src/live/live-input-rows.ts';
import { createLiveOriginActivities } from '../../origin/src/live/live-origin-activities.ts';
import { announceDisabledEndpoint } from '../../origin/src/outgoing-webhooks/start-outgoing-webhooks.ts';
import { webhookUrlPolicy } from '../../origin/src/outgoing-webhooks/url-safety.ts';
import { startWebhookEventConsumer } from '../../origin/src/outgoing-webhooks/video-event-consumer.ts';
import { startWebhookWorker } from '../../origin/src/outgoing-webhooks/webhook-worker.ts';
import { startApiStack, type ApiStack } from './support/api-stack.ts';
import { WebhookReceiver as Receiver } from './support/webhook-receiver.ts';
import { freePort, testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';

// Attempts 1 s apart, so a receiver that fails three times is delivered within seconds.
const schedule = [0, 1, 1, 1, 1];
const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
const sealed = sealedSecrets(fakeSecrets().secretsKey);
const liveUrls = { publicUrl: 'http://127.0.0.1:1', rtmpUrl: 'rtmp://127.0.0.1:1/live' };

let stack: ApiStack;
let dir: string;
let sql: Sql;
let receiver: Receiver;
let app: Hono;
let publisher: ReturnType<typeof createVideoEventPublisher>;
let origin: { stop(): Promise<void> } | undefined;

const dispatcherOf = () => createWebhookDispatcher({ sql, temporal: stack.temporal, scheduleSeconds: schedule, log });

/** The origin's background half: the worker on `vora-webhooks` and the `video-events` consumer. */
async function startOrigin(): Promise<{ stop(): Promise<void> }> {
  const dispatcher = dispatcherOf();
  const worker = await startWebhookWorker({
    sql,
    urlPolicy: webhookUrlPolicy('127.0.0.1/32'),
    sealedSecrets: sealed,
    timeoutMs: 2_000,
    endpointConcurrency: 4,
    onEndpointDisabled: announceDisabledEndpoint(sql, dispatcher),
    temporalAddress: `127.0.0.1:${stack.ctx.ports.temporal}`,
    namespace: 'default',
    log,
  });
  const consumer = startWebhookEventConsumer({ kafka: kafkaClient(stack.kafkaBrokers, 'webhooks'), sql, dispatcher, liveUrls: () => liveUrls, log, reconnectDelayMs: 500 });
  await consumer.ready;
  return { stop: async () => void (await Promise.all([consumer.stop(), worker.stop()])) };
}

async function endpoint(path: string, events: string[], rule?: (nth: number) => number, port = receiver.port): Promise<NewlyKeyedEndpoint> {
  const created = await createWebhookEndpoint(sql, sealed, { url: `http://127.0.0.1:${port}${path}`, events, description: path });
  receiver.secrets.set(path, created.secret);
  if (rule) receiver.rules.set(path, rule);
  return created;
}

let eventCount = 0;
function videoEvent(videoId: string, state: VideoEvent['state'], at = new Date()): VideoEvent {
  eventCount += 1;
  return { id: `evt_test_${Date.now()}_${eventCount}`, type: `video.${state.toLowerCase()}` as VideoEvent['type'], videoId, state, at: at.toISOString() };
}

beforeAll(async () => {
  stack = await startApiStack({ ports: await testPorts(import.meta.url) });
  dir = mkdtempSync(join(tmpdir(), 'vora-webhooks-'));
  sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  receiver = new Receiver(await freePort());
  await receiver.listen();
  publisher = createVideoEventPublisher(kafkaClient(stack.kafkaBrokers, 'video-events'), { log });
  origin = await startOrigin();
  const routes = webhookDeliveryRoutes({ sql, dispatcher: dispatcherOf(), temporal: stack.temporal, scheduleSeconds: schedule, log });
  app = new Hono();
  app.route('/v1/webhook-endpoints', routes.endpoints);
  app.route('/v1/webhook-deliveries', routes.deliveries);
  app.onError(handleApiErrors(log, { event: 'unhandled_error' }));
});

afterAll(async () => {
  await origin?.stop();
  await publisher?.close();
  await receiver?.close();
  await sql?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('outgoing webhooks on real Kafka and Temporal', () => {
  it('delivers each event once per endpoint, signed, retrying a failing receiver under one webhook-id', async () => {
    const all = await endpoint('/all', ['video.*']);
    const flaky = await endpoint('/flaky', ['video.ready'], (nth) => (nth <= 3 ? 500 : 200));
    const video = await createVideo(sql, { title: 'Webhooks' });
    const ready = videoEvent(video.id, 'READY');
    await publisher.publish(ready);
    await publisher.publish(ready); // the same event twice, as at-least-once Kafka may hand it over
    const marker = videoEvent(video.id, 'DELETED');
    await publisher.publish(marker);

    await waitFor(() => receiver.at('/all').some((each) => each.id === marker.id), { what: 'the marker at /all', timeoutMs: 60_000 });
    const flakyDone = await waitFor(async () => {
      const [delivery] = await listWebhookDeliveries(sql, flaky.id, { limit: 10 });
      return delivery?.status === 'delivered' && delivery;
    }, { what: 'the flaky receiver to take it', timeoutMs: 60_000 });
    await waitFor(async () => (await listWebhookDeliveries(sql, all.id, { limit: 10 })).every((each) => each.status !== 'pending'), { what: 'every delivery of /all to end', timeoutMs: 60_000 });

    const atAll = receiver.at('/all');
    expect(atAll.map((each) => each.id).sort()).toEqual([ready.id, marker.id].sort());
    expect(atAll.every((each) => each.verified)).toBe(true);
    const readyPayload = atAll.find((each) => each.id === ready.id)!.payload;
    expect(readyPayload).toMatchObject({ type: 'video.ready', timestamp: ready.at, data: { id: video.id, title: 'Webhooks', state: 'READY' } });
    expect(atAll.find((each) => each.id === marker.id)!.payload.sequence).toBe(readyPayload.sequence! + 1);

    const atFlaky = receiver.at('/flaky');
    expect(atFlaky.map((each) => each.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(atFlaky.map((each) => each.id))).toEqual(new Set([ready.id]));
    expect(atFlaky.every((each) => each.verified)).toBe(true);
    expect(flakyDone).toMatchObject({ attempts: 4, lastStatusCode: 200, lastResponseBody: 'answer 4', eventType: 'video.ready' });

    const log = WebhookDeliveryPage.parse(await (await app.request(`/v1/webhook-endpoints/${flaky.id}/deliveries`)).json());
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 4, lastStatusCode: 200, eventId: ready.id });
  });

  it('still delivers an event published while the origin was stopped, to a receiver that was down meanwhile', async () => {
    const port = await freePort();
    const late = new Receiver(port);
    const down = await endpoint('/late', ['video.failed'], undefined, port);
    late.secrets.set('/late', down.secret);
    await origin!.stop();
    origin = undefined;
    const failed = { ...videoEvent('vid_restart', 'FAILED'), reason: 'bad source' };
    await publisher.publish(failed);
    origin = await startOrigin();
    // The first attempt meets a closed port; the receiver comes up before the schedule ends.
    await waitFor(async () => ((await listWebhookDeliveries(sql, down.id, { limit: 1 }))[0]?.attempts ?? 0) >= 1, { what: 'a failed first attempt', timeoutMs: 60_000 });
    await late.listen();
    try {
      const delivered = await waitFor(async () => {
        const [delivery] = await listWebhookDeliveries(sql, down.id, { limit: 1 });
        return delivery?.status === 'delivered' && delivery;
      }, { what: 'the late receiver to get it', timeoutMs: 60_000 });
      expect(late.at('/late').map((each) => each.id)).toEqual([failed.id]);
      expect(late.at('/late')[0]).toMatchObject({ verified: true, payload: { type: 'video.failed', data: { id: 'vid_restart', state: 'FAILED' } } });
      expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await late.close();
    }
  });

  it('retries a failed delivery on demand, and disables an endpoint that answers 410, telling the others', async () => {
    let healthy = false;
    const broken = await endpoint('/broken', ['video.playable'], () => (healthy ? 200 : 503));
    const gone = await endpoint('/gone', ['video.playable'], () => 410);
    const watcher = await endpoint('/watcher', ['webhook.endpoint_disabled']);
    const playable = videoEvent('vid_retry', 'PLAYABLE');
    await publisher.publish(playable);

    const failed = await waitFor(async () => {
      const [delivery] = await listWebhookDeliveries(sql, broken.id, { limit: 1 });
      return delivery?.status === 'failed' && delivery;
    }, { what: 'the broken receiver to exhaust the schedule', timeoutMs: 60_000 });
    expect(failed.attempts).toBe(schedule.length);
    healthy = true;
    const retry = await app.request(`/v1/webhook-deliveries/${failed.id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    await waitFor(async () => (await getWebhookDelivery(sql, failed.id))?.status === 'delivered', { what: 'the retried delivery', timeoutMs: 60_000 });
    expect((await getWebhookDelivery(sql, failed.id))!.attempts).toBe(schedule.length + 1);
    expect(new Set(receiver.at('/broken').map((each) => each.id))).toEqual(new Set([playable.id]));

    await waitFor(async () => (await getWebhookEndpoint(sql, gone.id))?.enabled === false, { what: 'the 410 endpoint disabled', timeoutMs: 60_000 });
    expect(await getWebhookEndpoint(sql, gone.id)).toMatchObject({ disabledReason: expect.stringMatching(/410/) });
    expect(receiver.at('/gone')).toHaveLength(1);
    const notice = await waitFor(() => receiver.at('/watcher')[0], { what: 'the disabled notice', timeoutMs: 60_000 });
    expect(notice).toMatchObject({ verified: true, payload: { type: 'webhook.endpoint_disabled', data: { id: gone.id } } });
    expect(watcher.enabled).toBe(true);
  });

  it('replays everything since a time, in the order it happened, and sends test events', async () => {
    const t0 = new Date(Date.now() - 60_000);
    const events = [videoEvent('vid_replay', 'CREATED', new Date(t0.getTime() + 1_000)), videoEvent('vid_replay', 'PROCESSING', new Date(t0.getTime() + 2_000)), videoEvent('vid_replay', 'READY', new Date(t0.getTime() + 3_000))];
    const first = await endpoint('/first', ['video.*']);
    for (const event of events) await publisher.publish(event);
    await waitFor(() => events.every((event) => receiver.at('/first').some((each) => each.id === event.id)), { what: 'the first endpoint to get them', timeoutMs: 60_000 });

    const replayer = await endpoint('/replayer', ['video.*']);
    const answer = await app.request(`/v1/webhook-endpoints/${replayer.id}/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ since: t0.toISOString() }) });
    expect(answer.status).toBe(202);
    const eventIds = new Set(events.map((event) => event.id));
    await waitFor(() => events.every((event) => receiver.at('/replayer').some((each) => each.id === event.id)), { what: 'the replay', timeoutMs: 60_000 });
    expect(receiver.at('/replayer').map((each) => each.id).filter((id) => eventIds.has(id))).toEqual(events.map((event) => event.id));
    expect(receiver.at('/replayer').every((each) => each.verified)).toBe(true);
    expect(first.id).toBeTruthy();

    const test = await app.request(`/v1/webhook-endpoints/${replayer.id}/test`, { method: 'POST' });
    expect(test.status).toBe(202);
    const received = await waitFor(() => receiver.at('/replayer').find((each) => each.payload.type === 'webhook.test'), { what: 'the test event', timeoutMs: 60_000 });
    expect(received).toMatchObject({ verified: true, payload: { data: { endpointId: replayer.id } } });
  });
});

describe("the origin's own events, delivered like video events", () => {
  const emitter = () => createWebhookEventEmitter({ sql, dispatcher: dispatcherOf(), log });
  const deliveredAt = (path: string, type: string) => waitFor(() => receiver.at(path).filter((each) => each.payload.type === type).length > 0 && receiver.at(path).filter((each) => each.payload.type === type), { what: `${type} at ${path}`, timeoutMs: 60_000 });

  it('sends channel.config.updated with the configuration as GET answers it, in sequence', async () => {
    await endpoint('/config', ['channel.*']);
    const events = emitter();
    const config = new Hono().route('/v1/channels', channelConfigRoutes({ sql, log, publisher: { publish: async () => true }, events }));
    const patch = async (base: string, seconds: number) => {
      const answer = await config.request('/v1/channels/hooked/config', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ base, patch: [{ op: 'replace', path: '/chat/slowModeSeconds', value: seconds }] }) });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { hash: string }).hash;
    };
    const root = ((await (await config.request('/v1/channels/hooked/config')).json()) as { hash: string }).hash;
    const first = await patch(root, 5);
    const second = await patch(first, 7);
    const read = await (await config.request('/v1/channels/hooked/config')).json();

    const received = await waitFor(() => receiver.at('/config').length >= 2 && receiver.at('/config'), { what: 'both updates at /config', timeoutMs: 60_000 });
    expect(received.every((each) => each.verified && each.payload.type === 'channel.config.updated')).toBe(true);
    const [one, two] = [...received].sort((a, b) => a.payload.sequence! - b.payload.sequence!);
    expect(two!.payload.sequence).toBe(one!.payload.sequence! + 1);
    expect(one).toMatchObject({ id: `evt_config_${first}`, payload: { data: { id: 'hooked', hash: first, config: { chat: { slowModeSeconds: 5 } } } } });
    expect(two!.payload.data).toEqual({ id: 'hooked', ...(read as object) });
    expect(two!.id).toBe(`evt_config_${second}`);
  });

  it('sends live_input.online and .offline from the publish and the end of the reconnect window, and the READY recording', async () => {
    await endpoint('/live', ['live_input.*']);
    const announcements = liveAnnouncements({ log, webhooks: { events: emitter(), liveUrls } });
    const { liveInput } = await createLiveInput(sql, { title: 'Hooked show', reconnectWindowSeconds: 0, recording: true });
    const streamer = { clientId: '1', keyHash: 'k', addr: '127.0.0.1', since: new Date().toISOString() };
    const claimed = (await claimPublisher(sql, liveInput.id, streamer))!;
    await announcements.announce(claimed.input, claimed.input.broadcasts, 'online'); // what the origin's on_publish does
    await releasePublisher(sql, streamer, 'reconnecting');
    expect(await createLiveOriginActivities({ sql, log, announcements }).closeLiveBroadcast({ inputId: liveInput.id, broadcast: 1 })).toBe('ended');

    // The recording's READY comes through video-events like any video's.
    const recordingId = `rec_${liveInput.id}_b1`;
    await createVideo(sql, { id: recordingId, title: 'Hooked show (broadcast 1)', source: { liveInputId: liveInput.id, broadcast: 1 } });
    await transitionVideo(sql, recordingId, ['CREATED'], 'UPLOADING');
    await transitionVideo(sql, recordingId, ['UPLOADING'], 'PROCESSING');
    await transitionVideo(sql, recordingId, ['PROCESSING'], 'READY');
    await publisher.publish(videoEvent(recordingId, 'READY'));

    await waitFor(() => receiver.at('/live').length >= 3, { what: 'three live_input events at /live', timeoutMs: 60_000 });
    // Each is its own delivery, so they may arrive in any order: `sequence` is what orders them.
    const received = [...receiver.at('/live')].sort((a, b) => a.payload.sequence! - b.payload.sequence!);
    expect(received.every((each) => each.verified)).toBe(true);
    expect(received.map((each) => [each.payload.type, each.payload.sequence])).toEqual([
      ['live_input.online', 1],
      ['live_input.offline', 2],
      ['live_input.recording.ready', 3],
    ]);
    expect(received[0]!.payload.data).toMatchObject({ id: liveInput.id, status: 'live', broadcast: 1, playback: { tokenUrl: `${liveUrls.publicUrl}/v1/live-inputs/${liveInput.id}/token` } });
    expect(received[1]!.payload.data).toMatchObject({ id: liveInput.id, status: 'ended', broadcast: 1 });
    expect(received[2]!.payload.data).toMatchObject({ id: liveInput.id, title: 'Hooked show', recording: { id: recordingId, state: 'READY', source: { liveInputId: liveInput.id, broadcast: 1 } } });
  });

  it('keeps an event Temporal could not take, and delivers it once the outbox sweep finds Temporal back', async () => {
    await endpoint('/outbox', ['channel.config.updated']);
    // A Temporal client on a port nothing listens on: the emitter stores the event, its start fails.
    const nowhere = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 }) });
    const unreachable = createWebhookEventEmitter({ sql, dispatcher: createWebhookDispatcher({ sql, temporal: nowhere, scheduleSeconds: schedule, log }), log, dispatchTimeoutMs: 3_000 });
    const event = channelConfigWebhookEvent('outboxed', { hash: 'c'.repeat(64), rootHash: 'd'.repeat(64), config: { chat: { slowModeSeconds: 1 } } } as never, new Date());
    await unreachable.emit(event);
    await unreachable.settled();
    expect(await getWebhookEvent(sql, event.id)).toMatchObject({ id: event.id });
    expect(receiver.at('/outbox')).toHaveLength(0);

    // Within its grace the sweep leaves it to whoever stored it; after it, the sweep starts its deliveries.
    const sweep = { sql, dispatcher: dispatcherOf(), log, graceMs: 60_000 };
    expect(await sweepUndispatchedWebhookEvents(sweep)).toBe(0);
    expect(await sweepUndispatchedWebhookEvents(sweep, new Date(Date.now() + 61_000))).toBeGreaterThanOrEqual(1);
    const [received] = await deliveredAt('/outbox', 'channel.config.updated');
    expect(received).toMatchObject({ id: event.id, verified: true });
    expect(await sweepUndispatchedWebhookEvents(sweep, new Date(Date.now() + 61_000))).toBe(0);
  });
});

