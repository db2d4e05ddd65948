import { createHash, randomBytes } from 'node:crypto';

/** A new unguessable secret (256 bits) with a prefix saying what it is, e.g. `vora_…`, `upl_…`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** A new short public id (96 bits), e.g. `vid_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** What the database keeps instead of a secret: SHA-256, lowercase hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
