import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets the origin must be able to read back (a webhook secret signs every attempt, so it cannot be hashed) are
 * kept in the DB sealed with AES-256-GCM under `VORA_SECRETS_KEY`: a dump of the DB alone gives none of them.
 * Sealed text is `sealed:v2:{keyId}:` + base64url(12-byte IV, 16-byte tag, ciphertext), where the key id is the first
 * 8 hex digits of SHA-256(key): it names the key a value needs without revealing it, so the key can be rotated
 * (`VORA_SECRETS_KEY_PREVIOUS` opens what the old key sealed until `resealStoredSecrets` moved it). `sealed:v1:` text
 * (before key ids) is tried with every key. The additional data names what the secret belongs to, so a sealed value
 * moved to another row does not open.
 */
export interface SealedSecrets {
  /** The id of `VORA_SECRETS_KEY`, the key every new value is sealed with. */
  readonly keyId: string;
  seal(plain: string, belongsTo: string): string;
  /**
   * The secret in clear; text that was never sealed (rows from before sealing) is returned as it is. Throws
   * SecretsKeyMissing when none of the keys sealed it, SealedSecretUnreadable when the text was altered.
   */
  open(stored: string, belongsTo: string): string;
  /** Whether `stored` is sealed under `VORA_SECRETS_KEY` itself (else a rotation re-seals it). */
  sealedUnderCurrentKey(stored: string): boolean;
}

/** None of the configured keys sealed this value: the operator must give the key that did. */
export class SecretsKeyMissing extends Error {}
/** The key is there but the value does not open with it: the row was altered or cut. */
export class SealedSecretUnreadable extends Error {}

const v1Prefix = 'sealed:v1:';
const v2Prefix = 'sealed:v2:';
const ivBytes = 12;
const tagBytes = 16;
export const SECRETS_KEY_BYTES = 32;

/** Whether `stored` is sealed text (and not a secret from before sealing). */
export const isSealed = (stored: string): boolean => stored.startsWith('sealed:');

/** The 32 bytes of a `VORA_SECRETS_KEY` (base64 or base64url), or null when it is not one. */
export function decodeSecretsKey(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return null;
  const key = Buffer.from(text, 'base64');
  return key.length === SECRETS_KEY_BYTES ? key : null;
}

/** A key's id: the first 8 hex digits of its SHA-256 (32 bits: enough to tell a few keys apart, nothing to guess from). */
export const secretsKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** The key id a sealed value names (null for v1 text and clear text). */
export function sealedKeyIdOf(stored: string): string | null {
  if (!stored.startsWith(v2Prefix)) return null;
  const end = stored.indexOf(':', v2Prefix.length);
  return end === -1 ? null : stored.slice(v2Prefix.length, end);
}

/** The SQL LIKE pattern of values sealed under `keyId` (the rotation's query). */
export const sealedUnderKeyPattern = (keyId: string): string => `${v2Prefix}${keyId}:%`;

/** `VORA_SECRETS_KEY_PREVIOUS`: keys separated by commas or spaces; each must decode. Throws naming the bad one. */
export function parsePreviousSecretsKeys(text: string | undefined): Buffer[] {
  const keys: Buffer[] = [];
  const parts = (text ?? '').split(/[\s,]+/).filter(Boolean);
  parts.forEach((part, index) => {
    const key = decodeSecretsKey(part);
    if (!key) throw new Error(`VORA_SECRETS_KEY_PREVIOUS entry ${index + 1} of ${parts.length} is not 32 bytes in base64: give the old VORA_SECRETS_KEY values exactly, comma-separated`);
    keys.push(key);
  });
  return keys;
}

function openWith(key: Buffer, bytes: Buffer, belongsTo: string): string | null {
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes)).setAAD(Buffer.from(belongsTo, 'utf8'));
  decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Seals with `keyText` (VORA_SECRETS_KEY); opens with it or any of `previousKeyTexts` (VORA_SECRETS_KEY_PREVIOUS). */
export function sealedSecrets(keyText: string, previousKeyTexts: string | undefined = undefined): SealedSecrets {
  const key = decodeSecretsKey(keyText);
  if (!key) throw new Error('VORA_SECRETS_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  const keyId = secretsKeyId(key);
  const keys = new Map<string, Buffer>([[keyId, key]]);
  for (const previous of parsePreviousSecretsKeys(previousKeyTexts)) if (!keys.has(secretsKeyId(previous))) keys.set(secretsKeyId(previous), previous);
  const known = () => [...keys.keys()].map((id, index) => (index === 0 ? `${id} (VORA_SECRETS_KEY)` : id)).join(', ');
  const fix = 'set VORA_SECRETS_KEY_PREVIOUS to the VORA_SECRETS_KEY it was sealed with (keep the new one as VORA_SECRETS_KEY) and restart the origin: it re-seals everything under the new key';

  return {
    keyId,
    seal(plain, belongsTo) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(belongsTo, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${v2Prefix}${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
    },
    open(stored, belongsTo) {
      if (!isSealed(stored)) return stored;
      const named = sealedKeyIdOf(stored);
      const body = named !== null ? stored.slice(v2Prefix.length + named.length + 1) : stored.startsWith(v1Prefix) ? stored.slice(v1Prefix.length) : null;
      if (body === null) throw new SealedSecretUnreadable(`the sealed secret of ${belongsTo} is in no format this origin knows (sealed:v1 or sealed:v2): the row was altered, or written by a newer origin`);
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < ivBytes + tagBytes) throw new SealedSecretUnreadable(`the sealed secret of ${belongsTo} is cut short`);
      if (named !== null) {
        const namedKey = keys.get(named);
        if (!namedKey) throw new SecretsKeyMissing(`the secret of ${belongsTo} is sealed under key ${named}, which this origin does not have (it has ${known()}): ${fix}`);
        const plain = openWith(namedKey, bytes, belongsTo);
        if (plain === null) throw new SealedSecretUnreadable(`the sealed secret of ${belongsTo} does not open with key ${named} although it names it: the row was altered`);
        return plain;
      }
      // v1 names no key: each one is tried (the current first, it is the likeliest).
      for (const candidate of keys.values()) {
        const plain = openWith(candidate, bytes, belongsTo);
        if (plain !== null) return plain;
      }
      throw new SecretsKeyMissing(`the secret of ${belongsTo} (sealed before key ids) opens with none of this origin's keys (${known()}): the key changed since it was sealed, or the row was altered; ${fix}`);
    },
    sealedUnderCurrentKey(stored) {
      return sealedKeyIdOf(stored) === keyId;
    },
  };
}
