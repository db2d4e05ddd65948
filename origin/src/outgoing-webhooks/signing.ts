import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_HEADERS } from '../../../contracts/webhooks.ts';

/**
 * Standard Webhooks signing (standardwebhooks.com): `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{body}">`, keyed with the base64 bytes after `whsec_`; several signatures are separated
 * by spaces, which is how a rotated secret keeps signing beside the new one.
 */

const secretPrefix = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_…` secret (a bare base64 secret is accepted too, as the spec's libraries do). */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 24 || key.length > 64) throw new Error(`a webhook secret holds 24 to 64 bytes of base64 after whsec_, this one ${key.length}`);
  return key;
}

export interface SignedMessage {
  /** The `webhook-id`: the same on every attempt of one message. */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes sent. */
  body: string;
}

/** The `webhook-signature` value: one `v1,…` per secret, in the order given (the current secret first). */
export function signWebhook(message: SignedMessage, secrets: readonly string[]): string {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const content = `${message.id}.${message.timestamp}.${message.body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', webhookSecretKey(secret)).update(content, 'utf8').digest('base64')}`).join(' ');
}

/** The three headers of one attempt, plus the content type. */
export function webhookRequestHeaders(message: SignedMessage, secrets: readonly string[]): Record<string, string> {
  return {
    'content-type': 'application/json',
    [WEBHOOK_HEADERS.id]: message.id,
    [WEBHOOK_HEADERS.timestamp]: String(message.timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(message, secrets),
  };
}

/** Old secrets sign beside the current one this long after a rotation, so receivers can switch without losing a message. */
export const ROTATED_SECRET_GRACE_MS = 24 * 3_600_000;

/** The secrets that sign at `now`: the current one, and the previous one while its grace lasts. */
export function signingSecrets(endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const previousLive = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
  return previousLive ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}
