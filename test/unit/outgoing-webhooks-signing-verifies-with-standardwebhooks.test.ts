import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signingSecrets, signWebhook, webhookRequestHeaders, webhookSecretKey } from '../../origin/src/outgoing-webhooks/signing.ts';

// The Standard Webhooks specification's published test vector.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('outgoing webhook signing (Standard Webhooks)', () => {
  it('reproduces the specification test vector', () => {
    expect(signWebhook(vector, [vector.secret])).toBe(vector.signature);
  });

  it('is verified unchanged by the standardwebhooks library, headers and all', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const message = { id: 'evt_1', timestamp: nowSeconds(), body: JSON.stringify({ type: 'video.ready', timestamp: new Date().toISOString(), data: { id: 'vid_1', title: 'é' } }) };
    const headers = webhookRequestHeaders(message, [secret]);
    expect(Object.keys(headers).sort()).toEqual(['content-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(secret).verify(message.body, headers)).toEqual(JSON.parse(message.body));
  });

  it('is refused by the library when the body, the id or the secret differ', () => {
    const secret = newWebhookSecret();
    const message = { id: 'evt_2', timestamp: nowSeconds(), body: '{"a":1}' };
    const headers = webhookRequestHeaders(message, [secret]);
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
    expect(() => new Webhook(secret).verify(message.body, { ...headers, 'webhook-id': 'evt_3' })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(message.body, headers)).toThrow();
  });

  it('signs with both secrets during a rotation, so a receiver on either one verifies', () => {
    const oldSecret = newWebhookSecret();
    const newSecret = newWebhookSecret();
    const now = new Date();
    const endpoint = { secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() + 1000) };
    const secrets = signingSecrets(endpoint, now);
    expect(secrets).toEqual([newSecret, oldSecret]);
    const message = { id: 'evt_4', timestamp: nowSeconds(), body: '{}' };
    const headers = webhookRequestHeaders(message, secrets);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) expect(new Webhook(secret).verify(message.body, headers)).toEqual({});
  });

  it('drops the previous secret once its grace has passed', () => {
    const now = new Date();
    expect(signingSecrets({ secret: 'whsec_a', previousSecret: 'whsec_b', previousSecretExpiresAt: new Date(now.getTime() - 1) }, now)).toEqual(['whsec_a']);
    expect(signingSecrets({ secret: 'whsec_a', previousSecret: null, previousSecretExpiresAt: null }, now)).toEqual(['whsec_a']);
  });

  it('refuses secrets too short to be keys', () => {
    expect(() => webhookSecretKey('whsec_c2hvcnQ=')).toThrow(/24 to 64 bytes/);
    expect(() => signWebhook(vector, [])).toThrow();
  });
});
