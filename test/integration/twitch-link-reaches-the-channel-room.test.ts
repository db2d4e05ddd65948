/**
 * A channel linked to Twitch end to end: the origin (in process, on PGlite, over HTTP) links it through a Helix
 * stand-in (app token, users, EventSub subscriptions; challenges answered by the origin's webhook), Twitch's
 * notifications cross the webhook, real Kafka and the room bridge into the real edge (`wrangler dev`), and a viewer
 * holding only a watch link sees them in the channel's room. Revocation, unlinking and a refused link too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
// Node 20 has no WebSocket global without a flag; undici (wrangler's dependency) provides the standard one.
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelView, TWITCH_LINK_SUBSCRIPTIONS } from '../../contracts/channels.ts';
import { ServerFrame, type EventFrame } from '../../contracts/chat.ts';
import { createOriginApp } from '../../origin/src/app.ts';
import { startRoomBridge, type RoomBridge } from '../../origin/src/bridge/room-bridge.ts';
import { createApiToken, verifyApiToken } from '../../origin/src/db/api-tokens.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';
import { startJwksSync, type JwksSync } from '../../origin/src/keys/edge-sync.ts';
import { appTokenSource } from '../../origin/src/twitch-link/app-token.ts';
import { helixClient } from '../../origin/src/twitch-link/helix.ts';
import { sqlTwitchLinkRegistry } from '../../origin/src/twitch-link/link-rows.ts';
import { unlinkBeforeDelete } from '../../origin/src/twitch-link/setup.ts';
import type { TwitchLinkDeps } from '../../origin/src/twitch-link/link-twitch.ts';
import type { TusUploads } from '../../origin/src/uploads/tus-server.ts';
import { createChannelEventPublisher, type ChannelEventPublisher } from '../../origin/src/webhooks/channel-event-publisher.ts';
import { sqlMessageIdStore } from '../../origin/src/webhooks/message-ids.ts';
import { newTwitchWebhookCounters, twitchWebhookRoutes } from '../../origin/src/webhooks/twitch-routes.ts';
import { stackContext } from '../../stack/component.ts';
import { edgeComponent } from '../../stack/components/edge.ts';
import { kafkaComponent } from '../../stack/components/kafka.ts';
import { StackRunner } from '../../stack/runner.ts';
import { startHelixStandin, twitchEvents, type HelixStandin, type HelixUser } from '../support/helix-standin.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { streamOnlineBody, twitchRequest } from '../support/twitch-requests.ts';
import { waitFor } from '../support/wait.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const secrets = fakeSecrets();
const ctx = stackContext(await testPorts(import.meta.url), secrets, mkdtempSync(join(tmpdir(), 'vora-twitch-link-')));
const kafkaSpec = kafkaComponent(ctx);
const edgeSpec = edgeComponent(ctx);
const stack = new StackRunner([kafkaSpec, edgeSpec], ctx.logDir);
const log = pino({ level: process.env.VORA_TEST_LOG ?? 'silent' });
const eventSubSecret = 'eventsub-secret-for-the-link-test';
const client = { clientId: 'vora-test-client', clientSecret: 'vora-test-client-secret' };
const streamer: HelixUser = { id: '141981764', login: 'twitchdev', display_name: 'TwitchDev' };
const other: HelixUser = { id: '12826', login: 'twitch', display_name: 'Twitch' };

let sql: Sql;
let helix: HelixStandin;
let server: ServerType;
let originUrl: string;
let adminToken: string;
let sync: JwksSync;
let bridge: RoomBridge;
let publisher: ChannelEventPublisher;
const counters = newTwitchWebhookCounters();
const refuseTypes: string[] = [];

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${originUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

/** A viewer holding only the watch link of a video of `channel`, in the room beside it; every frame kept. */
async function watchLinkViewer(channel: string): Promise<{ frames: ServerFrame[]; close(): void }> {
  const video = await api('POST', '/v1/videos', { title: 'raid night', channelId: channel });
  const minted = await api('POST', `/v1/videos/${video.body.id}/token`, {});
  const frames: ServerFrame[] = [];
  const socket = new WebSocket(`${edgeSpec.url.replace('http', 'ws')}/rooms/channel-${channel}/ws?playback=${minted.body.token}&v=1`);
  socket.addEventListener('message', (message) => frames.push(ServerFrame.parse(JSON.parse(String(message.data)))));
  await waitFor(() => frames.some((frame) => frame.type === 'welcome'), { what: 'the room to welcome the watch-link viewer', timeoutMs: 30_000 });
  return { frames, close: () => socket.close() };
}

const eventFrame = (frames: ServerFrame[], type: string) => frames.find((frame): frame is EventFrame => frame.type === 'event' && frame.event.type === type);

beforeAll(async () => {
  await stack.start();
  helix = await startHelixStandin({ ...client, users: [streamer, other], refuseTypes });
  sql = await openDatabase({ pgliteDir: join(ctx.dataDir, 'db') });
  adminToken = (await createApiToken(sql, 'twitch link test')).token;
  publisher = createChannelEventPublisher(kafkaClient([kafkaSpec.url], 'channel-events'));
  sync = startJwksSync({ sql, edgeUrl: edgeSpec.url, internalSecret: secrets.internalSecret, log });

  let callback = '';
  const link: TwitchLinkDeps = {
    sql,
    log,
    helix: helixClient({ helixUrl: helix.helixUrl, clientId: client.clientId, tokens: appTokenSource({ tokenUrl: helix.tokenUrl, ...client }) }),
    get callback() {
      return callback;
    },
    secret: eventSubSecret,
  };
  const app = createOriginApp({
    log,
    healthChecks: [],
    api: {
      verifyToken: (token) => verifyApiToken(sql, token),
      // Videos here are only created and given tokens: no storage, no uploads, and their video events are not what this test follows.
      videos: { sql, s3: new S3Client({ region: 'us-east-1' }), buckets: { raw: 'vora-raw', media: 'vora-media' }, events: { publish: async () => {} } as never, log, publicUrl: 'http://origin.test', grantTtlSeconds: 600 },
      uploads: {} as TusUploads,
      keys: { sql, sync, edgeUrl: edgeSpec.url },
      channels: { sql, log, beforeDelete: unlinkBeforeDelete(link, sql) },
      twitch: { link, counters },
    },
    webhooks: { twitch: twitchWebhookRoutes({ secret: eventSubSecret, messageIds: sqlMessageIdStore(sql), publisher, links: sqlTwitchLinkRegistry(sql), counters, log }) },
  });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  originUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  callback = `${originUrl}/v1/webhooks/twitch`;
  bridge = startRoomBridge({ kafka: kafkaClient([kafkaSpec.url], 'room-bridge'), edgeUrl: edgeSpec.url, internalSecret: secrets.internalSecret, log, fromBeginning: true });
  await bridge.ready;
}, 240_000);

afterAll(async () => {
  await bridge?.stop();
  await publisher?.close();
  sync?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await helix?.close();
  await sql?.close();
  await stack.stop(15_000);
  rmSync(ctx.dataDir, { recursive: true, force: true });
}, 60_000);

describe('vora channels link-twitch, end to end through a Helix stand-in', () => {
  it('links: an app token by client credentials, the broadcaster id by login, seven verified webhook subscriptions recorded', async () => {
    expect((await api('POST', '/v1/channels', { id: 'raid-night', title: 'Raid night' })).status).toBe(201);
    const linked = await api('POST', '/v1/channels/raid-night/twitch', { login: 'TwitchDev' });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    expect(linked.body).toMatchObject({ broadcasterId: streamer.id, login: 'twitchdev', displayName: 'TwitchDev', status: 'active', brokenReason: null });
    expect(linked.body.subscriptions.map((s: { type: string }) => s.type).sort()).toEqual(TWITCH_LINK_SUBSCRIPTIONS.map((s) => s.type).sort());

    expect(helix.tokensIssued()).toBe(1);
    expect(helix.requests).toContain(`GET /helix/users?login=TwitchDev`);
    const held = [...helix.subscriptions.values()];
    expect(held.map((s) => `${s.type} v${s.version} ${JSON.stringify(s.condition)}`).sort()).toEqual([
      `channel.cheer v1 {"broadcaster_user_id":"${streamer.id}"}`,
      `channel.follow v2 {"broadcaster_user_id":"${streamer.id}","moderator_user_id":"${streamer.id}"}`,
      `channel.raid v1 {"to_broadcaster_user_id":"${streamer.id}"}`,
      `channel.subscribe v1 {"broadcaster_user_id":"${streamer.id}"}`,
      `channel.update v2 {"broadcaster_user_id":"${streamer.id}"}`,
      `stream.offline v1 {"broadcaster_user_id":"${streamer.id}"}`,
      `stream.online v1 {"broadcaster_user_id":"${streamer.id}"}`,
    ]);
    await helix.verificationsDone();
    expect(held.map((s) => s.status)).toEqual(held.map(() => 'enabled'));
    const shown = ChannelView.parse((await api('GET', '/v1/channels/raid-night')).body);
    expect(shown.twitch?.subscriptions.map((s) => s.status)).toEqual(held.map(() => 'enabled'));
    expect(new Set(shown.twitch?.subscriptions.map((s) => s.id))).toEqual(new Set(held.map((s) => s.id)));
    expect(counters.verified).toBe(7);
  });

  it("puts a raid, a follow and going live into the channel's room as typed event frames a watch-link viewer sees", async () => {
    const viewer = await watchLinkViewer('raid-night');
    const raid = await helix.notify('channel.raid', streamer.id, twitchEvents.raid(streamer, { id: '1234', login: 'cool_raider', name: 'Cool_Raider' }, 42));
    expect(raid.status).toBe(204);
    await helix.notify('channel.follow', streamer.id, twitchEvents.follow(streamer, { id: '777', login: 'fan', name: 'Fan' }));
    await helix.notify('stream.online', streamer.id, twitchEvents.online(streamer));
    await waitFor(() => eventFrame(viewer.frames, 'stream.online'), { what: 'the stream.online frame', timeoutMs: 30_000 });
    expect(eventFrame(viewer.frames, 'channel.raid')!.event).toMatchObject({
      id: `twitch_${raid.messageId}`,
      data: { from_broadcaster_user_name: 'Cool_Raider', viewers: 42, channelId: 'raid-night', broadcasterId: streamer.id, source: 'twitch' },
    });
    expect(eventFrame(viewer.frames, 'channel.follow')!.event.data).toMatchObject({ user_name: 'Fan' });
    expect(counters.published).toBe(3);
    viewer.close();
  });

  it('counts and drops the events of a broadcaster no channel is linked to', async () => {
    const before = counters.unlinkedDropped;
    const request = twitchRequest({ secret: eventSubSecret, type: 'notification', body: streamOnlineBody(other.id) });
    expect((await fetch(`${originUrl}/v1/webhooks/twitch`, { method: 'POST', headers: request.headers, body: request.body })).status).toBe(204);
    expect(counters.unlinkedDropped).toBe(before + 1);
    expect((await api('GET', '/v1/twitch/stats')).body).toMatchObject({ unlinkedDropped: before + 1, published: counters.published });
  });

  it('refuses to link a second channel to the same broadcaster, or an unknown login', async () => {
    await api('POST', '/v1/channels', { id: 'copycat', title: 'Copycat' });
    const twice = await api('POST', '/v1/channels/copycat/twitch', { login: 'twitchdev' });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'broadcaster_linked', message: expect.stringContaining('linked to channel raid-night') } } });
    expect((await api('POST', '/v1/channels/copycat/twitch', { login: 'nobody_here' })).body.error.code).toBe('no_such_user');
    expect((await api('POST', '/v1/channels/copycat/twitch', { login: 'not a login' })).status).toBe(400);
  });

  it('marks the link broken when Twitch revokes a subscription, and says so', async () => {
    const raidSubscription = [...helix.subscriptions.values()].find((s) => s.type === 'channel.raid')!;
    const revocation = await helix.revoke(raidSubscription.id, 'authorization_revoked');
    expect(revocation.status).toBe(204);
    const shown = ChannelView.parse((await api('GET', '/v1/channels/raid-night')).body);
    expect(shown.twitch).toMatchObject({ status: 'broken', brokenReason: 'Twitch revoked the channel.raid subscription (authorization_revoked): unlink and link again' });
    expect(shown.twitch?.subscriptions.find((s) => s.id === raidSubscription.id)?.status).toBe('authorization_revoked');
  });

  it('unlinks: every subscription deleted at Twitch, the link gone, a new app token fetched when Helix refuses the old one', async () => {
    helix.expireTokens();
    const unlinked = await api('DELETE', '/v1/channels/raid-night/twitch');
    expect(unlinked).toMatchObject({ status: 200, body: { unlinked: true, deletedSubscriptions: 6 } });
    expect(helix.tokensIssued()).toBe(2);
    expect([...helix.subscriptions.values()].filter((s) => Object.values(s.condition).includes(streamer.id))).toEqual([]);
    expect((await api('GET', '/v1/channels/raid-night')).body.twitch).toBeNull();
    expect((await api('DELETE', '/v1/channels/raid-night/twitch')).status).toBe(404);
  });

  it('leaves nothing behind when Twitch refuses one subscription of a link', async () => {
    refuseTypes.push('channel.subscribe');
    const refused = await api('POST', '/v1/channels/copycat/twitch', { login: 'twitchdev' });
    expect(refused).toMatchObject({ status: 502, body: { error: { code: 'twitch_refused', message: expect.stringContaining('channel.subscribe') } } });
    expect(helix.subscriptions.size).toBe(0);
    expect((await api('GET', '/v1/channels/copycat')).body.twitch).toBeNull();
    refuseTypes.length = 0;
    expect((await api('POST', '/v1/channels/copycat/twitch', { login: 'twitchdev' })).status).toBe(201);
  });

  it('deletes the Twitch subscriptions with the channel', async () => {
    await helix.verificationsDone();
    expect(helix.subscriptions.size).toBe(7);
    expect((await api('DELETE', '/v1/channels/copycat')).status).toBe(200);
    expect(helix.subscriptions.size).toBe(0);
  });
});
