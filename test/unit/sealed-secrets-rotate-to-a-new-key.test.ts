import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../../origin/src/config.ts';
import type { ResealReport } from '../../origin/src/db/reseal-secrets.ts';
import { SealedSecretUnreadable, SecretsKeyMissing, parsePreviousSecretsKeys, sealedKeyIdOf, sealedSecrets, secretsKeyId } from '../../origin/src/db/sealed-secrets.ts';
import { missingKeyRefusal } from '../../origin/src/secrets/rotate-at-start.ts';
import { rotationSummary } from '../../cli/operator/secrets.ts';

const oldKey = Buffer.alloc(32, 1).toString('base64');
const newKey = Buffer.alloc(32, 2).toString('base64');
const otherKey = Buffer.alloc(32, 9).toString('base64');
const owner = 'webhook-endpoint:whe_rot';
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** `sealed:v1:` text as origins before key ids wrote it (no key named). */
function sealedV1(keyText: string, plain: string, belongsTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyText, 'base64'), iv).setAAD(Buffer.from(belongsTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `sealed:v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

describe('VORA_SECRETS_KEY rotation', () => {
  it('names the key in what it seals: 8 hex digits of its SHA-256, stable, different per key', () => {
    const box = sealedSecrets(oldKey);
    expect(box.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(box.keyId).toBe(secretsKeyId(Buffer.from(oldKey, 'base64')));
    expect(sealedSecrets(newKey).keyId).not.toBe(box.keyId);
    const sealed = box.seal(secret, owner);
    expect(sealed.startsWith(`sealed:v2:${box.keyId}:`)).toBe(true);
    expect(sealedKeyIdOf(sealed)).toBe(box.keyId);
    expect(box.sealedUnderCurrentKey(sealed)).toBe(true);
  });

  it('opens what the previous key sealed (v2 and v1), and seals anew only under the new key', () => {
    const underOld = sealedSecrets(oldKey).seal(secret, owner);
    const legacy = sealedV1(oldKey, secret, owner);
    const rotated = sealedSecrets(newKey, oldKey);
    expect(rotated.open(underOld, owner)).toBe(secret);
    expect(rotated.open(legacy, owner)).toBe(secret);
    expect(rotated.sealedUnderCurrentKey(underOld)).toBe(false);
    expect(rotated.sealedUnderCurrentKey(legacy)).toBe(false);
    const resealed = rotated.seal(rotated.open(underOld, owner), owner);
    expect(rotated.sealedUnderCurrentKey(resealed)).toBe(true);
    // Once re-sealed, the new key alone is enough.
    expect(sealedSecrets(newKey).open(resealed, owner)).toBe(secret);
  });

  it('says which key is missing and how to give it, when the previous key is not given', () => {
    const underOld = sealedSecrets(oldKey).seal(secret, owner);
    const newOnly = sealedSecrets(newKey);
    const oldId = secretsKeyId(Buffer.from(oldKey, 'base64'));
    expect(() => newOnly.open(underOld, owner)).toThrow(SecretsKeyMissing);
    expect(() => newOnly.open(underOld, owner)).toThrow(new RegExp(`whe_rot is sealed under key ${oldId}.*VORA_SECRETS_KEY_PREVIOUS`));
    expect(() => newOnly.open(sealedV1(oldKey, secret, owner), owner)).toThrow(/sealed before key ids.*VORA_SECRETS_KEY_PREVIOUS/);
    // A wrong previous key is no better, and is named among the keys the origin has.
    const wrongPrevious = sealedSecrets(newKey, otherKey);
    expect(() => wrongPrevious.open(underOld, owner)).toThrow(new RegExp(secretsKeyId(Buffer.from(otherKey, 'base64'))));
  });

  it('tells an altered or moved value from a missing key', () => {
    const box = sealedSecrets(newKey, oldKey);
    const sealed = box.seal(secret, owner);
    // The second-to-last character (every bit of it is data) changed for another, whatever it was.
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(flipped).not.toBe(sealed);
    expect(() => box.open(flipped, owner)).toThrow(SealedSecretUnreadable);
    expect(() => box.open(sealed, 'webhook-endpoint:whe_other')).toThrow(/whe_other.*altered/);
    expect(() => box.open('sealed:v9:zz', owner)).toThrow(SealedSecretUnreadable);
  });

  it('takes previous keys comma- or space-separated, and names a bad entry', () => {
    expect(parsePreviousSecretsKeys(undefined)).toEqual([]);
    expect(parsePreviousSecretsKeys(`${oldKey}, ${otherKey}`)).toHaveLength(2);
    expect(() => parsePreviousSecretsKeys(`${oldKey},not-a-key`)).toThrow(/entry 2 of 2 is not 32 bytes/);
    const env = { VORA_API_TOKEN: 'api-token-0123456789', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', VORA_SECRETS_KEY: newKey };
    expect(loadOriginConfig({ ...env, VORA_SECRETS_KEY_PREVIOUS: oldKey }).VORA_SECRETS_KEY_PREVIOUS).toBe(oldKey);
    expect(() => loadOriginConfig({ ...env, VORA_SECRETS_KEY_PREVIOUS: 'short' })).toThrow(/VORA_SECRETS_KEY_PREVIOUS entry 1 of 1/);
  });

  it('refuses a start only for secrets whose key is missing, naming them', () => {
    const report = (causes: Array<'key_missing' | 'unreadable'>): ResealReport => ({
      keyId: 'abcd1234',
      columns: [],
      resealed: 0,
      failures: causes.map((cause, index) => ({ table: 'webhook_endpoints', column: 'secret', id: `whe_${index}`, cause, message: `cause ${index}` })),
    });
    expect(missingKeyRefusal(report([]))).toBeNull();
    expect(missingKeyRefusal(report(['unreadable']))).toBeNull();
    const refusal = missingKeyRefusal(report(['unreadable', ...Array<'key_missing'>(7).fill('key_missing')]));
    expect(refusal).toMatch(/^7 stored secret\(s\) \(webhook_endpoints\.secret of whe_1, .* and 2 more\).*cause 1$/);
  });
});

describe('vora secrets rotate', () => {
  const rotation = { keyId: 'abcd1234', resealed: 3, columns: [], failures: [], underOtherKeys: 0 };
  it('says when VORA_SECRETS_KEY_PREVIOUS can go, and when it cannot yet', () => {
    expect(rotationSummary(rotation)).toEqual({ complete: true, line: expect.stringMatching(/^3 re-sealed; every stored secret is under key abcd1234: VORA_SECRETS_KEY_PREVIOUS can be removed/) });
    expect(rotationSummary({ ...rotation, underOtherKeys: 2 }).complete).toBe(false);
    const failed = rotationSummary({ ...rotation, failures: [{ table: 'live_inputs', column: 'srt_passphrase_sealed', id: 'live_1', cause: 'key_missing', message: 'sealed under key 99999999' }] });
    expect(failed).toEqual({ complete: false, line: '3 re-sealed; 1 could not be (left as they were): live_inputs.srt_passphrase_sealed of live_1 — sealed under key 99999999' });
  });
});
