import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkMessageAge, verifyTwitchSignature } from '../../origin/src/webhooks/twitch-signature.ts';

const secret = 'a-twitch-eventsub-secret';
const messageId = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
const timestamp = '2019-11-16T10:11:12.634234626Z';
const body = '{"subscription":{"id":"f1c2a387","type":"stream.online"},"event":{"broadcaster_user_id":"1337","name":"é"}}';
const rawBody = new TextEncoder().encode(body);

/** Computed here independently, as Twitch documents it: sha256= + hex HMAC-SHA256(secret, id + timestamp + body). */
const expected = `sha256=${createHmac('sha256', secret).update(messageId + timestamp + body).digest('hex')}`;

describe('Twitch EventSub signature', () => {
  it('accepts the HMAC-SHA256 of message id + timestamp + raw body, in either hex case', () => {
    expect(verifyTwitchSignature(secret, { messageId, timestamp, rawBody, signature: expected })).toBe(true);
    expect(verifyTwitchSignature(secret, { messageId, timestamp, rawBody, signature: `sha256=${expected.slice(7).toUpperCase()}` })).toBe(true);
  });

  it('refuses any change to the secret, id, timestamp or a single body byte', () => {
    const base = { messageId, timestamp, rawBody, signature: expected };
    expect(verifyTwitchSignature('another-secret-entirely', base)).toBe(false);
    expect(verifyTwitchSignature(secret, { ...base, messageId: `${messageId}x` })).toBe(false);
    expect(verifyTwitchSignature(secret, { ...base, timestamp: '2019-11-16T10:11:13.634234626Z' })).toBe(false);
    const tampered = rawBody.slice();
    tampered[tampered.length - 3]! ^= 1;
    expect(verifyTwitchSignature(secret, { ...base, rawBody: tampered })).toBe(false);
    // The body re-serialised (as a JSON parser would) is not the signed bytes.
    expect(verifyTwitchSignature(secret, { ...base, rawBody: new TextEncoder().encode(JSON.stringify(JSON.parse(body), null, 1)) })).toBe(false);
  });

  it('refuses malformed signature headers without throwing', () => {
    const base = { messageId, timestamp, rawBody };
    for (const signature of ['', expected.slice(7), `sha1=${expected.slice(7)}`, `sha256=${expected.slice(7, 70)}`, `sha256=${'zz'.repeat(32)}`, `${expected}00`]) {
      expect(verifyTwitchSignature(secret, { ...base, signature }), signature).toBe(false);
    }
  });
});

describe('Twitch replay window', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('accepts RFC 3339 timestamps with nanoseconds up to 10 minutes old', () => {
    const check = checkMessageAge('2026-03-01T11:50:30.123456789Z', now);
    expect(check).toEqual({ ok: true, at: new Date('2026-03-01T11:50:30.123Z') });
    expect(checkMessageAge('2026-03-01T12:00:00Z', now).ok).toBe(true);
    expect(checkMessageAge('2026-03-01T13:00:00+01:00', now).ok).toBe(true);
  });

  it('refuses messages older than 10 minutes, far in the future, or not dated', () => {
    expect(checkMessageAge('2026-03-01T11:49:59.999Z', now)).toMatchObject({ ok: false, reason: expect.stringContaining('older than 10 minutes') });
    expect(checkMessageAge('2026-03-01T12:10:01Z', now)).toMatchObject({ ok: false, reason: expect.stringContaining('future') });
    for (const bad of ['yesterday', '1700000000', '2026-03-01 12:00:00Z', '2026-02-30T12:00:00Z', '2026-03-01T12:00:00']) {
      expect(checkMessageAge(bad, now).ok, bad).toBe(false);
    }
  });
});
