import { hashSecret, newSecret } from './secrets.ts';
import type { Sql } from './sql.ts';

/** A one-time direct-upload permission for one video (the token is kept only as its hash). */
export interface UploadGrant {
  token: string;
  videoId: string;
  expiresAt: Date;
}

export type ConsumeResult =
  | { ok: true; videoId: string }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

export async function issueUploadGrant(sql: Sql, videoId: string, options: { ttlSeconds?: number; now?: Date } = {}): Promise<UploadGrant> {
  const token = newSecret('upl');
  const expiresAt = new Date((options.now ?? new Date()).getTime() + (options.ttlSeconds ?? 3600) * 1000);
  await sql.query('INSERT INTO upload_grants (token_hash, video_id, expires_at) VALUES ($1, $2, $3)', [hashSecret(token), videoId, expiresAt]);
  return { token, videoId, expiresAt };
}

/** Uses up a grant. One conditional UPDATE: of two concurrent consumers, exactly one gets `ok`. */
export async function consumeUploadGrant(sql: Sql, token: string, now: Date = new Date()): Promise<ConsumeResult> {
  const tokenHash = hashSecret(token);
  const { rows } = await sql.query<{ video_id: string }>(
    'UPDATE upload_grants SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING video_id',
    [tokenHash, now],
  );
  if (rows[0]) return { ok: true, videoId: rows[0].video_id };
  const { rows: existing } = await sql.query<{ used_at: Date | null }>('SELECT used_at FROM upload_grants WHERE token_hash = $1', [tokenHash]);
  if (!existing[0]) return { ok: false, reason: 'unknown' };
  return { ok: false, reason: existing[0].used_at === null ? 'expired' : 'used' };
}
