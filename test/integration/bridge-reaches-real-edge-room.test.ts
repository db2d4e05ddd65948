import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Writable } from 'node:stream';
import { pino } from 'pino';
// Node 20 has no WebSocket global without a flag; undici (wrangler's dependency) provides the standard one.
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerFrame, type EventFrame } from '../../contracts/chat.ts';
import { stackContext } from '../../stack/component.ts';
import { edgeComponent } from '../../stack/components/edge.ts';
import { kafkaComponent } from '../../stack/components/kafka.ts';
import { StackRunner } from '../../stack/runner.ts';
import { startRoomBridge, type RoomBridge } from '../../origin/src/bridge/room-bridge.ts';
import { createChannelEventPublisher, type ChannelEventPublisher } from '../../origin/src/webhooks/channel-event-publisher.ts';
import { memoryMessageIdStore } from '../../origin/src/webhooks/message-ids.ts';
import { twitchWebhookRoutes } from '../../origin/src/webhooks/twitch-routes.ts';
import { streamOnlineBody, twitchRequest } from '../support/twitch-requests.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { testPorts } from '../support/ports.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Edge on 26287 (inspector 26729), Kafka on 27092/27093.
const secrets = fakeSecrets();
const ctx = stackContext(await testPorts(import.meta.url), secrets, mkdtempSync(join(tmpdir(), 'vora-bridge-edge-')));
const kafkaSpec = kafkaComponent(ctx);
const edgeSpec = edgeComponent(ctx);
const stack = new StackRunner([kafkaSpec, edgeSpec], ctx.logDir);
const webhookSecret = 'twitch-webhook-secret-real-edge';
/** What the bridge said about each event it forwarded (its `room_event_delivered` log lines), by event id. */
const deliveryOutcomes = new Map<string, { duplicate: boolean }[]>();
const bridgeLogLines = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { event?: string; eventId?: string; duplicate?: boolean };
      if (process.env.BRIDGE_TEST_LOG) process.stdout.write(`${line}\n`);
      if (entry.event !== 'room_event_delivered' || entry.eventId === undefined) continue;
      deliveryOutcomes.set(entry.eventId, [...(deliveryOutcomes.get(entry.eventId) ?? []), { duplicate: entry.duplicate === true }]);
    }
    done();
  },
});
const log = pino({ level: 'info' }, bridgeLogLines);
const room = 'channel-4242';

let bridge: RoomBridge | undefined;
let publisher: ChannelEventPublisher | undefined;
let socket: WebSocket | undefined;
const frames: ServerFrame[] = [];

/** A chat token for `room`, signed with a fresh ES256 key whose public half is pushed to the edge (as the origin's key sync does). */
async function chatTokenFromEdgeKeys(): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bridge-test-1', alg: 'ES256', use: 'sig' };
  const put = await fetch(`${edgeSpec.url}/internal/keys`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secrets.internalSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ keys: [jwk] }),
  });
  expect(put.status, await put.text()).toBe(200);
  const claims = { sub: 'viewer-1', name: 'Viewer One', role: 'viewer', room, exp: Math.floor(Date.now() / 1000) + 600 };
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'bridge-test-1' }).sign(privateKey);
}

function waitForFrame<T>(pick: (frame: ServerFrame) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const picked = () => frames.map(pick).find((value) => value !== undefined);
  return waitFor(picked, { what, timeoutMs, everyMs: 25, detail: () => `frames: ${JSON.stringify(frames.map((f) => f.type))}` });
}
const eventFrames = (id: string) => frames.filter((frame): frame is EventFrame => frame.type === 'event' && frame.event.id === id);

describe('webhook → Kafka → bridge → real edge room → WebSocket client', () => {
  beforeAll(async () => {
    const startedAt = Date.now();
    await stack.start();
    console.log(`[bridge-edge] Kafka + wrangler dev ready in ${Date.now() - startedAt} ms`);
    const token = await chatTokenFromEdgeKeys();
    socket = new WebSocket(`${edgeSpec.url.replace('http', 'ws')}/rooms/${room}/ws?token=${encodeURIComponent(token)}&v=1`);
    socket.addEventListener('message', (message) => frames.push(ServerFrame.parse(JSON.parse(String(message.data)))));
    await waitForFrame((frame) => (frame.type === 'history' ? frame : undefined), 30_000, 'history frame');
    bridge = startRoomBridge({ kafka: kafkaClient([kafkaSpec.url], 'room-bridge'), edgeUrl: edgeSpec.url, internalSecret: secrets.internalSecret, log, fromBeginning: true });
    await bridge.ready;
    publisher = createChannelEventPublisher(kafkaClient([kafkaSpec.url], 'channel-events'));
  }, 240_000);

  afterAll(async () => {
    socket?.close();
    await bridge?.stop();
    await publisher?.close();
    await stack.stop(15_000);
    rmSync(ctx.dataDir, { recursive: true, force: true });
  }, 60_000);

  it('shows a verified Twitch stream.online to the client in the channel room', async () => {
    // Broadcaster 4242 is linked to channel 4242 (the link itself is proven in twitch-link-reaches-the-channel-room).
    const links = { channelOf: async (id: string) => (id === '4242' ? '4242' : null), verified: async () => null, revoked: async () => null };
    const app = twitchWebhookRoutes({ secret: webhookSecret, messageIds: memoryMessageIdStore(), publisher: publisher!, links, log });
    const request = twitchRequest({ secret: webhookSecret, type: 'notification', body: streamOnlineBody('4242') });
    const startedAt = Date.now();
    expect((await app.request('/', { method: 'POST', headers: request.headers, body: request.body })).status).toBe(204);
    const frame = await waitForFrame((f) => (f.type === 'event' && f.event.id === `twitch_${request.messageId}` ? f : undefined), 30_000, 'event frame');
    console.log(`[bridge-edge] webhook → WebSocket client in ${Date.now() - startedAt} ms`);
    expect(frame.event).toMatchObject({ type: 'stream.online', data: { broadcaster_user_id: '4242', broadcasterId: '4242', source: 'twitch' } });
  });

  it('shows an event published twice on Kafka (at-least-once) to the client once', async () => {
    const event = { id: `evt_dup_${Date.now()}`, type: 'channel.follow', broadcasterId: '4242', at: new Date().toISOString(), data: { user_name: 'someone' } };
    const before = bridge!.stats();
    await publisher!.publish(event);
    await publisher!.publish(event);
    await waitForFrame((f) => (f.type === 'event' && f.event.id === event.id ? f : undefined), 30_000, 'the follow event');
    // Wait for the room's answer to both copies of *this* event (bridge-wide counts can move for other events).
    await waitFor(() => (deliveryOutcomes.get(event.id)?.length ?? 0) >= 2, { what: 'the bridge to forward both copies', timeoutMs: 60_000, everyMs: 50, detail: () => `forwarded ${deliveryOutcomes.get(event.id)?.length ?? 0}` });
    const after = bridge!.stats();
    expect(after.duplicates).toBeGreaterThanOrEqual(before.duplicates + 1);
    expect(after.rejected).toBe(before.rejected);
    // Frames on one socket arrive in order: once a later event's frame is in, a second copy would be in too.
    const marker = { id: `evt_after_${Date.now()}`, type: 'channel.follow', broadcasterId: '4242', at: new Date().toISOString(), data: { user_name: 'later' } };
    await publisher!.publish(marker);
    await waitForFrame((f) => (f.type === 'event' && f.event.id === marker.id ? f : undefined), 30_000, 'the marker event after the duplicate');
    expect(eventFrames(event.id)).toHaveLength(1);
  });
});
