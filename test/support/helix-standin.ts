/**
 * A stand-in for Twitch (its OAuth token endpoint, Helix `users` and `eventsub/subscriptions`, and the EventSub
 * webhook transport), because Twitch cannot be reached from here. It implements the documented shapes
 * (https://dev.twitch.tv/docs/api/reference/ — Get Users, Create/Get/Delete EventSub Subscription;
 * https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow;
 * https://dev.twitch.tv/docs/eventsub/handling-webhook-events/) and signs every message it sends the way Twitch
 * does: `Twitch-Eventsub-Message-Signature: sha256=HMAC-SHA256(secret, id + timestamp + body)`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HelixUser {
  id: string;
  login: string;
  display_name: string;
}

export interface StandinSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  created_at: string;
  transport: { method: 'webhook'; callback: string };
  cost: number;
  /** Kept by the stand-in, never shown: what Twitch signs this subscription's messages with. */
  secret: string;
}

export interface HelixStandinOptions {
  clientId: string;
  clientSecret: string;
  users: HelixUser[];
  /** Seconds an app token lives (`expires_in`). */
  tokenLifetimeSeconds?: number;
  /** Subscription types answered 403 (the broadcaster has not authorised the scope), to test a failed link. */
  refuseTypes?: string[];
}

/** The types and versions the stand-in accepts, and the condition fields each needs (Twitch's reference). */
const KNOWN_TYPES: Record<string, { version: string; condition: string[] }> = {
  'stream.online': { version: '1', condition: ['broadcaster_user_id'] },
  'stream.offline': { version: '1', condition: ['broadcaster_user_id'] },
  'channel.update': { version: '2', condition: ['broadcaster_user_id'] },
  'channel.follow': { version: '2', condition: ['broadcaster_user_id', 'moderator_user_id'] },
  'channel.subscribe': { version: '1', condition: ['broadcaster_user_id'] },
  'channel.cheer': { version: '1', condition: ['broadcaster_user_id'] },
  'channel.raid': { version: '1', condition: ['to_broadcaster_user_id'] },
};

export interface SentMessage {
  type: 'webhook_callback_verification' | 'notification' | 'revocation';
  subscriptionId: string;
  messageId: string;
  status: number;
  body: string;
  answer: string;
}

const json = (response: ServerResponse, status: number, body: unknown): void => void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const helixError = (response: ServerResponse, status: number, error: string, message: string): void => json(response, status, { error, status, message });

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Twitch's timestamps carry nanoseconds. */
const twitchTimestamp = (at = new Date()) => at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

export interface HelixStandin {
  /** Base of Helix, e.g. `http://127.0.0.1:PORT/helix` (TWITCH_HELIX_URL). */
  helixUrl: string;
  /** TWITCH_TOKEN_URL. */
  tokenUrl: string;
  subscriptions: Map<string, StandinSubscription>;
  /** Every request the stand-in received, `METHOD /path?query`. */
  requests: string[];
  /** Every message it sent to a callback, with the answer. */
  sent: SentMessage[];
  /** App tokens issued so far (a test expires them with `expireTokens`). */
  tokensIssued(): number;
  expireTokens(): void;
  /** Resolves when every subscription of `broadcasterId` has left `webhook_callback_verification_pending`. */
  verificationsDone(): Promise<void>;
  /** Sends a notification for the enabled subscription of `type` that follows `broadcasterId`, as Twitch would. */
  notify(type: string, broadcasterId: string, event: Record<string, unknown>, options?: { messageId?: string }): Promise<SentMessage>;
  /** Revokes a subscription (status `authorization_revoked`, `user_removed`…) and sends the revocation message. */
  revoke(subscriptionId: string, status: string): Promise<SentMessage>;
  close(): Promise<void>;
}

export async function startHelixStandin(options: HelixStandinOptions): Promise<HelixStandin> {
  const subscriptions = new Map<string, StandinSubscription>();
  const tokens = new Map<string, number>(); // token → expires at (ms)
  const requests: string[] = [];
  const sent: SentMessage[] = [];
  const pendingVerifications = new Set<Promise<unknown>>();
  let issued = 0;

  async function send(subscription: StandinSubscription, type: SentMessage['type'], payload: Record<string, unknown>, messageId: string = randomUUID()): Promise<SentMessage> {
    const timestamp = twitchTimestamp();
    const { secret, ...visible } = subscription;
    const body = JSON.stringify({ subscription: visible, ...payload });
    const signature = `sha256=${createHmac('sha256', secret).update(messageId + timestamp + body).digest('hex')}`;
    let status = 0;
    let answer = '';
    try {
      const response = await fetch(subscription.transport.callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'Twitch-Eventsub-Message-Id': messageId,
          'Twitch-Eventsub-Message-Retry': '0',
          'Twitch-Eventsub-Message-Type': type,
          'Twitch-Eventsub-Message-Signature': signature,
          'Twitch-Eventsub-Message-Timestamp': timestamp,
          'Twitch-Eventsub-Subscription-Type': subscription.type,
          'Twitch-Eventsub-Subscription-Version': subscription.version,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      answer = await response.text();
    } catch (error) {
      answer = (error as Error).message;
    }
    const message = { type, subscriptionId: subscription.id, messageId, status, body, answer };
    sent.push(message);
    return message;
  }

  /** Twitch sends the challenge after answering 202; the callback must echo it in a 200 text/plain. */
  function verify(subscription: StandinSubscription): void {
    const challenge = randomUUID();
    const done = send(subscription, 'webhook_callback_verification', { challenge }).then((message) => {
      subscription.status = message.status === 200 && message.answer === challenge ? 'enabled' : 'webhook_callback_verification_failed';
    });
    pendingVerifications.add(done);
    void done.finally(() => pendingVerifications.delete(done));
  }

  function authorized(request: IncomingMessage, response: ServerResponse): boolean {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expiresAt = token ? tokens.get(token) : undefined;
    if (request.headers['client-id'] !== options.clientId) {
      helixError(response, 401, 'Unauthorized', 'Client ID and OAuth token do not match');
      return false;
    }
    if (expiresAt === undefined || expiresAt < Date.now()) {
      helixError(response, 401, 'Unauthorized', 'Invalid OAuth token');
      return false;
    }
    return true;
  }

  const view = ({ secret: _secret, ...visible }: StandinSubscription) => visible;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://standin');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const route = `${request.method} ${url.pathname}`;

    if (route === 'POST /oauth2/token') {
      // Form-encoded body, or the same fields in the query (both are accepted by Twitch).
      const form = new URLSearchParams((await readBody(request)) || url.search);
      if (form.get('grant_type') !== 'client_credentials') return json(response, 400, { status: 400, message: 'unsupported grant type' });
      if (form.get('client_id') !== options.clientId) return json(response, 400, { status: 400, message: 'invalid client' });
      if (form.get('client_secret') !== options.clientSecret) return json(response, 403, { status: 403, message: 'invalid client secret' });
      const token = randomUUID().replace(/-/g, '').slice(0, 30);
      const lifetime = options.tokenLifetimeSeconds ?? 5_000_000;
      tokens.set(token, Date.now() + lifetime * 1000);
      issued += 1;
      return json(response, 200, { access_token: token, expires_in: lifetime, token_type: 'bearer' });
    }
    if (!url.pathname.startsWith('/helix/')) return helixError(response, 404, 'Not Found', 'no such route');
    if (!authorized(request, response)) return;

    if (route === 'GET /helix/users') {
      const logins = url.searchParams.getAll('login').map((login) => login.toLowerCase());
      const ids = url.searchParams.getAll('id');
      const found = options.users.filter((user) => logins.includes(user.login) || ids.includes(user.id));
      return json(response, 200, {
        data: found.map((user) => ({ ...user, type: '', broadcaster_type: 'partner', description: '', profile_image_url: '', offline_image_url: '', view_count: 0, created_at: '2016-12-14T20:32:28Z' })),
      });
    }

    if (route === 'POST /helix/eventsub/subscriptions') {
      let body: { type?: string; version?: string; condition?: Record<string, string>; transport?: { method?: string; callback?: string; secret?: string } };
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        return helixError(response, 400, 'Bad Request', 'malformed JSON');
      }
      const known = body.type ? KNOWN_TYPES[body.type] : undefined;
      if (!known || body.version !== known.version) return helixError(response, 400, 'Bad Request', `unsupported subscription type or version: ${body.type} ${body.version}`);
      const condition = body.condition ?? {};
      const missing = known.condition.filter((field) => !condition[field]);
      if (missing.length > 0) return helixError(response, 400, 'Bad Request', `condition is missing ${missing.join(', ')}`);
      const transport = body.transport ?? {};
      if (transport.method !== 'webhook' || !transport.callback || !transport.secret || transport.secret.length < 10 || transport.secret.length > 100) {
        return helixError(response, 400, 'Bad Request', 'transport must be a webhook with a callback and a secret of 10-100 characters');
      }
      if (options.refuseTypes?.includes(body.type!)) return helixError(response, 403, 'Forbidden', 'subscription missing proper authorization');
      const duplicate = [...subscriptions.values()].some(
        (held) => held.type === body.type && held.version === body.version && held.transport.callback === transport.callback && JSON.stringify(held.condition) === JSON.stringify(condition),
      );
      if (duplicate) return helixError(response, 409, 'Conflict', 'subscription already exists');
      const subscription: StandinSubscription = {
        id: randomUUID(),
        status: 'webhook_callback_verification_pending',
        type: body.type!,
        version: body.version!,
        condition,
        created_at: twitchTimestamp(),
        transport: { method: 'webhook', callback: transport.callback },
        cost: 0,
        secret: transport.secret,
      };
      subscriptions.set(subscription.id, subscription);
      json(response, 202, { data: [view(subscription)], total: subscriptions.size, total_cost: 0, max_total_cost: 10_000 });
      // After the answer, as Twitch does: the challenge can reach the callback before the creator has read the 202.
      verify(subscription);
      return;
    }

    if (route === 'GET /helix/eventsub/subscriptions') {
      const { status, type } = Object.fromEntries(url.searchParams);
      const userId = url.searchParams.get('user_id');
      const listed = [...subscriptions.values()].filter(
        (held) => (!status || held.status === status) && (!type || held.type === type) && (!userId || Object.values(held.condition).includes(userId)),
      );
      return json(response, 200, { data: listed.map(view), total: listed.length, total_cost: 0, max_total_cost: 10_000, pagination: {} });
    }

    if (route === 'DELETE /helix/eventsub/subscriptions') {
      const id = url.searchParams.get('id');
      if (!id) return helixError(response, 400, 'Bad Request', 'Missing required parameter "id"');
      if (!subscriptions.delete(id)) return helixError(response, 404, 'Not Found', 'subscription not found');
      response.writeHead(204).end();
      return;
    }

    helixError(response, 404, 'Not Found', `no route ${route}`);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) helixError(response, 500, 'Internal Server Error', String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    helixUrl: `${base}/helix`,
    tokenUrl: `${base}/oauth2/token`,
    subscriptions,
    requests,
    sent,
    tokensIssued: () => issued,
    expireTokens: () => tokens.clear(),
    async verificationsDone() {
      while (pendingVerifications.size > 0) await Promise.all([...pendingVerifications]);
    },
    async notify(type, broadcasterId, event, notifyOptions = {}) {
      const subscription = [...subscriptions.values()].find((held) => held.type === type && Object.values(held.condition).includes(broadcasterId) && held.status === 'enabled');
      if (!subscription) throw new Error(`the stand-in has no enabled ${type} subscription for ${broadcasterId}: link the channel first`);
      return send(subscription, 'notification', { event }, notifyOptions.messageId);
    },
    async revoke(subscriptionId, status) {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) throw new Error(`the stand-in has no subscription ${subscriptionId}`);
      subscription.status = status;
      const message = await send(subscription, 'revocation', {});
      subscriptions.delete(subscriptionId);
      return message;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Event bodies shaped as in Twitch's EventSub reference, for the types a link subscribes to. */
export const twitchEvents = {
  raid: (to: HelixUser, from: { id: string; login: string; name: string }, viewers: number) => ({
    from_broadcaster_user_id: from.id,
    from_broadcaster_user_login: from.login,
    from_broadcaster_user_name: from.name,
    to_broadcaster_user_id: to.id,
    to_broadcaster_user_login: to.login,
    to_broadcaster_user_name: to.display_name,
    viewers,
  }),
  follow: (broadcaster: HelixUser, follower: { id: string; login: string; name: string }) => ({
    user_id: follower.id,
    user_login: follower.login,
    user_name: follower.name,
    broadcaster_user_id: broadcaster.id,
    broadcaster_user_login: broadcaster.login,
    broadcaster_user_name: broadcaster.display_name,
    followed_at: twitchTimestamp(),
  }),
  online: (broadcaster: HelixUser) => ({
    id: randomUUID(),
    broadcaster_user_id: broadcaster.id,
    broadcaster_user_login: broadcaster.login,
    broadcaster_user_name: broadcaster.display_name,
    type: 'live',
    started_at: twitchTimestamp(),
  }),
};
