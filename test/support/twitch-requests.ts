import { createHmac, randomUUID } from 'node:crypto';

export type TwitchMessageType = 'notification' | 'webhook_callback_verification' | 'revocation';

export interface TwitchRequestOptions {
  secret: string;
  type: TwitchMessageType;
  body: unknown;
  messageId?: string;
  /** Defaults to now, with nanoseconds as Twitch sends it. */
  timestamp?: string;
  /** Sign with this secret instead (a forger's request). */
  signWith?: string;
}

/** A request as Twitch's EventSub webhook transport sends it, signed with node:crypto the documented way. */
export function twitchRequest(options: TwitchRequestOptions): { headers: Record<string, string>; body: string; messageId: string } {
  const messageId = options.messageId ?? randomUUID();
  const timestamp = options.timestamp ?? new Date().toISOString().replace('Z', '123456Z');
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const hmac = createHmac('sha256', options.signWith ?? options.secret).update(messageId + timestamp + body).digest('hex');
  const subscriptionType = (options.body as { subscription?: { type?: string } }).subscription?.type ?? 'stream.online';
  return {
    messageId,
    body,
    headers: {
      'content-type': 'application/json',
      'Twitch-Eventsub-Message-Id': messageId,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': options.type,
      'Twitch-Eventsub-Message-Signature': `sha256=${hmac}`,
      'Twitch-Eventsub-Message-Timestamp': timestamp,
      'Twitch-Eventsub-Subscription-Type': subscriptionType,
      'Twitch-Eventsub-Subscription-Version': '1',
    },
  };
}

/** A `stream.online` notification body for `broadcasterId`, shaped as in Twitch's reference. */
export function streamOnlineBody(broadcasterId: string): Record<string, unknown> {
  return {
    subscription: {
      id: randomUUID(),
      type: 'stream.online',
      version: '1',
      status: 'enabled',
      cost: 0,
      condition: { broadcaster_user_id: broadcasterId },
      transport: { method: 'webhook', callback: 'https://example.com/v1/webhooks/twitch' },
      created_at: '2026-01-01T00:00:00.000000000Z',
    },
    event: {
      id: '9001',
      broadcaster_user_id: broadcasterId,
      broadcaster_user_login: 'cool_user',
      broadcaster_user_name: 'Cool_User',
      type: 'live',
      started_at: new Date().toISOString(),
    },
  };
}
