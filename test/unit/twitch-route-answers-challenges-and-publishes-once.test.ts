import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChannelEvent } from '../../contracts/channel-events.ts';
import { memoryMessageIdStore } from '../../origin/src/webhooks/message-ids.ts';
import { newTwitchWebhookCounters, twitchWebhookRoutes, type TwitchLinkRegistry } from '../../origin/src/webhooks/twitch-routes.ts';
import { streamOnlineBody, twitchRequest, type TwitchRequestOptions } from '../support/twitch-requests.ts';

const secret = 'route-test-secret-0123';

/** Broadcasters 1, 7 and 1337 are linked to channel `show`; everything Twitch says about subscriptions is kept. */
function linkRegistry() {
  const linked = new Map([['1', 'show'], ['7', 'show'], ['1337', 'show']]);
  const verified: string[] = [];
  const revoked: Array<[string, string]> = [];
  const registry: TwitchLinkRegistry = {
    channelOf: async (broadcasterId) => linked.get(broadcasterId) ?? null,
    verified: async (subscription) => verified.push(`${subscription.type}@${subscription.broadcasterId}`),
    revoked: async (id, status) => (revoked.push([id, status]), { channelId: 'show' }),
  };
  return { registry, verified, revoked };
}

function setup(options: { failPublishes?: number } = {}) {
  const published: ChannelEvent[] = [];
  let failures = options.failPublishes ?? 0;
  const links = linkRegistry();
  const counters = newTwitchWebhookCounters();
  const app = twitchWebhookRoutes({
    links: links.registry,
    counters,
    secret,
    messageIds: memoryMessageIdStore(),
    publisher: {
      async publish(event) {
        if (failures-- > 0) throw new Error('broker down');
        published.push(event);
      },
    },
    log: pino({ level: 'silent' }),
  });
  const post = (request: Omit<TwitchRequestOptions, 'secret'> & { secret?: string }) => {
    const { headers, body } = twitchRequest({ secret, ...request });
    return app.request('/', { method: 'POST', headers, body });
  };
  return { app, published, post, links, counters };
}

describe('POST /v1/webhooks/twitch', () => {
  it('answers the subscription challenge with the challenge itself, as text/plain', async () => {
    const { post, published, links } = setup();
    const response = await post({ type: 'webhook_callback_verification', body: { challenge: 'pogchamp-kappa-360noscope', subscription: streamOnlineBody('1').subscription } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('pogchamp-kappa-360noscope');
    expect(published).toEqual([]);
    expect(links.verified).toEqual(['stream.online@1']);
  });

  it('publishes a verified notification keyed by broadcaster, once per message id', async () => {
    const { post, published } = setup();
    const first = await post({ type: 'notification', body: streamOnlineBody('1337'), messageId: 'msg-1' });
    expect(first.status).toBe(204);
    expect(published).toEqual([
      expect.objectContaining({ id: 'twitch_msg-1', type: 'stream.online', broadcasterId: '1337', channelId: 'show', source: 'twitch', data: expect.objectContaining({ broadcaster_user_login: 'cool_user' }) }),
    ]);
    // Twitch resends with the same id (and a new timestamp): acknowledged, not published again.
    const again = await post({ type: 'notification', body: streamOnlineBody('1337'), messageId: 'msg-1' });
    expect(again.status).toBe(204);
    expect(published).toHaveLength(1);
  });

  it('refuses a bad signature, a missing header or an old message with 403, publishing nothing', async () => {
    const { app, post, published } = setup();
    expect((await post({ type: 'notification', body: streamOnlineBody('1'), signWith: 'not-the-secret-at-all' })).status).toBe(403);
    const old = new Date(Date.now() - 11 * 60_000).toISOString();
    const stale = await post({ type: 'notification', body: streamOnlineBody('1'), timestamp: old });
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('older than 10 minutes') } });
    const { headers, body } = twitchRequest({ secret, type: 'notification', body: streamOnlineBody('1') });
    delete headers['Twitch-Eventsub-Message-Signature'];
    expect((await app.request('/', { method: 'POST', headers, body })).status).toBe(403);
    // A challenge with a forged signature is not answered either.
    expect((await post({ type: 'webhook_callback_verification', body: { challenge: 'x', subscription: streamOnlineBody('1').subscription }, signWith: 'wrong-secret-123' })).status).toBe(403);
    expect(published).toEqual([]);
  });

  it('acknowledges a revocation with 204, tells the links which subscription and why, and publishes nothing', async () => {
    const { post, published, links, counters } = setup();
    const subscription = { ...(streamOnlineBody('1').subscription as { id: string }), status: 'authorization_revoked' };
    expect((await post({ type: 'revocation', body: { subscription } })).status).toBe(204);
    expect(links.revoked).toEqual([[subscription.id, 'authorization_revoked']]);
    expect(counters.revoked).toBe(1);
    expect(published).toEqual([]);
  });

  it('counts and drops, with a 204, the events of a broadcaster no channel is linked to', async () => {
    const { post, published, counters } = setup();
    for (const id of ['a', 'b']) expect((await post({ type: 'notification', body: streamOnlineBody('999'), messageId: `unlinked-${id}` })).status).toBe(204);
    expect(published).toEqual([]);
    expect(counters).toMatchObject({ unlinkedDropped: 2, published: 0 });
    await post({ type: 'notification', body: streamOnlineBody('1337'), messageId: 'linked-1' });
    expect(counters).toMatchObject({ unlinkedDropped: 2, published: 1 });
  });

  it('answers 503 when Kafka fails, and publishes the resend of the same id', async () => {
    const { post, published } = setup({ failPublishes: 1 });
    const failed = await post({ type: 'notification', body: streamOnlineBody('7'), messageId: 'msg-kafka' });
    expect(failed.status).toBe(503);
    expect(published).toEqual([]);
    const resent = await post({ type: 'notification', body: streamOnlineBody('7'), messageId: 'msg-kafka' });
    expect(resent.status).toBe(204);
    expect(published.map((event) => event.id)).toEqual(['twitch_msg-kafka']);
  });

  it('refuses secrets Twitch would not accept at startup', () => {
    expect(() => twitchWebhookRoutes({ secret: 'short', messageIds: memoryMessageIdStore(), publisher: { publish: async () => {} }, links: linkRegistry().registry, log: pino({ level: 'silent' }) })).toThrow(/10-100 characters/);
  });
});
