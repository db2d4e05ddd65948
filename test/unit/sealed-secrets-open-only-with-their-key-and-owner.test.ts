import { describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../../origin/src/config.ts';
import { decodeSecretsKey, isSealed, sealedSecrets } from '../../origin/src/db/sealed-secrets.ts';

const key = Buffer.alloc(32, 3).toString('base64');
const box = sealedSecrets(key);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('sealed secrets (AES-256-GCM under VORA_SECRETS_KEY)', () => {
  it('seals to text that holds nothing of the secret and opens back to it', () => {
    const sealed = box.seal(secret, 'webhook-endpoint:whe_1');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(box.open(sealed, 'webhook-endpoint:whe_1')).toBe(secret);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(box.seal(secret, 'webhook-endpoint:whe_1')).not.toBe(sealed);
  });

  it('does not open under another key, for another owner, or altered', () => {
    const sealed = box.seal(secret, 'webhook-endpoint:whe_1');
    expect(() => sealedSecrets(Buffer.alloc(32, 4).toString('base64')).open(sealed, 'webhook-endpoint:whe_1')).toThrow(/VORA_SECRETS_KEY/);
    expect(() => box.open(sealed, 'webhook-endpoint:whe_2')).toThrow(/whe_2/);
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => box.open(flipped, 'webhook-endpoint:whe_1')).toThrow();
    expect(() => box.open('sealed:v1:abc', 'webhook-endpoint:whe_1')).toThrow(/cut short/);
  });

  it('passes through a secret stored before sealing existed', () => {
    expect(isSealed(secret)).toBe(false);
    expect(box.open(secret, 'webhook-endpoint:whe_1')).toBe(secret);
  });

  it('takes 32 bytes in base64 or base64url as the key, and nothing else', () => {
    expect(decodeSecretsKey(key)).toHaveLength(32);
    expect(decodeSecretsKey(Buffer.alloc(32, 250).toString('base64url'))).toHaveLength(32);
    for (const bad of ['', 'short', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64'), `${key.slice(0, -2)}!=`]) {
      expect(decodeSecretsKey(bad)).toBeNull();
      expect(() => sealedSecrets(bad)).toThrow(/openssl rand -base64 32/);
    }
  });

  it('is required by the origin configuration, with the fix in the message', () => {
    const env = { VORA_API_TOKEN: 'api-token-0123456789', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' };
    expect(() => loadOriginConfig(env)).toThrow(/VORA_SECRETS_KEY is required.*openssl rand -base64 32/);
    expect(() => loadOriginConfig({ ...env, VORA_SECRETS_KEY: 'not-a-key' })).toThrow(/VORA_SECRETS_KEY must be 32 random bytes/);
    expect(loadOriginConfig({ ...env, VORA_SECRETS_KEY: key }).VORA_SECRETS_KEY).toBe(key);
  });
});
