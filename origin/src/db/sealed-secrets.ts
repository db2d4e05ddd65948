import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets the origin must be able to read back (a webhook secret signs every attempt, so it cannot be hashed) are
 * kept in the DB sealed with AES-256-GCM under `VORA_SECRETS_KEY`: a dump of the DB alone gives none of them.
 * Sealed text is `sealed:v1:` + base64url(12-byte IV, 16-byte tag, ciphertext); the additional data names what the
 * secret belongs to, so a sealed value moved to another row does not open.
 */
export interface SealedSecrets {
  seal(plain: string, belongsTo: string): string;
  /** The secret in clear; text that was never sealed (rows from before sealing) is returned as it is. Throws on a wrong key or altered text. */
  open(stored: string, belongsTo: string): string;
}

const prefix = 'sealed:v1:';
const ivBytes = 12;
const tagBytes = 16;
export const SECRETS_KEY_BYTES = 32;

/** Whether `stored` is sealed text (and not a secret from before sealing). */
export const isSealed = (stored: string): boolean => stored.startsWith(prefix);

/** The 32 bytes of a `VORA_SECRETS_KEY` (base64 or base64url), or null when it is not one. */
export function decodeSecretsKey(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return null;
  const key = Buffer.from(text, 'base64');
  return key.length === SECRETS_KEY_BYTES ? key : null;
}

export function sealedSecrets(keyText: string): SealedSecrets {
  const key = decodeSecretsKey(keyText);
  if (!key) throw new Error('VORA_SECRETS_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  return {
    seal(plain, belongsTo) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(belongsTo, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${prefix}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
    },
    open(stored, belongsTo) {
      if (!isSealed(stored)) return stored;
      const bytes = Buffer.from(stored.slice(prefix.length), 'base64url');
      if (bytes.length < ivBytes + tagBytes) throw new Error(`the sealed secret of ${belongsTo} is cut short`);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes)).setAAD(Buffer.from(belongsTo, 'utf8'));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`the sealed secret of ${belongsTo} does not open with VORA_SECRETS_KEY: the key changed since it was sealed, or the row was altered`);
      }
    },
  };
}
