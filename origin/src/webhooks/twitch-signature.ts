import { createHmac, timingSafeEqual } from 'node:crypto';

/** Twitch's EventSub webhook headers (HTTP header names are case-insensitive). */
export const TWITCH_HEADERS = {
  messageId: 'twitch-eventsub-message-id',
  timestamp: 'twitch-eventsub-message-timestamp',
  signature: 'twitch-eventsub-message-signature',
  type: 'twitch-eventsub-message-type',
  subscriptionType: 'twitch-eventsub-subscription-type',
  retry: 'twitch-eventsub-message-retry',
} as const;

/** Twitch: "if the message is more than 10 minutes old, … discard it" (replay protection). */
export const TWITCH_MAX_MESSAGE_AGE_MS = 10 * 60_000;

export interface SignedMessage {
  messageId: string;
  timestamp: string;
  /** The body exactly as received: the HMAC covers bytes, so it must not be parsed and re-serialised first. */
  rawBody: Uint8Array;
  /** The Twitch-Eventsub-Message-Signature header: `sha256=` + 64 hex digits. */
  signature: string;
}

/**
 * Twitch's scheme: HMAC-SHA256 with the subscription secret over message id + timestamp + raw body,
 * sent as `sha256=<hex>`. Compared in constant time on the decoded 32 bytes.
 */
export function verifyTwitchSignature(secret: string, message: SignedMessage): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(message.signature.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(message.messageId).update(message.timestamp).update(message.rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

export type AgeCheck = { ok: true; at: Date } | { ok: false; reason: string };

/**
 * The message timestamp (RFC 3339, nanoseconds) must be within `maxAgeMs` of now. Twitch names only
 * "too old"; one that far in the future is refused too, since it could be replayed after the id was pruned.
 */
export function checkMessageAge(timestamp: string, now: number, maxAgeMs = TWITCH_MAX_MESSAGE_AGE_MS): AgeCheck {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(timestamp)) {
    return { ok: false, reason: `message timestamp "${timestamp.slice(0, 40)}" is not RFC 3339` };
  }
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return { ok: false, reason: `message timestamp "${timestamp}" is not a date` };
  const ageMs = now - at;
  if (ageMs > maxAgeMs) return { ok: false, reason: `message is ${Math.round(ageMs / 1000)} s old; older than ${maxAgeMs / 60_000} minutes is refused (replay protection)` };
  if (-ageMs > maxAgeMs) return { ok: false, reason: `message timestamp is ${Math.round(-ageMs / 1000)} s in the future; check the origin's clock` };
  return { ok: true, at: new Date(at) };
}
