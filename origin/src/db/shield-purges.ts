import type { ShieldPurgeState } from '../../../contracts/videos.ts';
import type { Sql } from './sql.ts';

/** One purge of a deleted video from one shield (table `shield_purges`, migration 85). */
export interface ShieldPurge {
  videoId: string;
  /** The shield's base URL, as in VORA_SHIELD_URLS without a trailing slash. */
  shield: string;
  state: ShieldPurgeState;
  requestedAt: Date;
  /** Attempts made so far (the one that succeeded included). */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  finishedAt: Date | null;
}

interface ShieldPurgeRow {
  video_id: string;
  shield: string;
  state: ShieldPurgeState;
  requested_at: Date;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  finished_at: Date | null;
}

const purgeFromRow = (row: ShieldPurgeRow): ShieldPurge => ({
  videoId: row.video_id,
  shield: row.shield,
  state: row.state,
  requestedAt: row.requested_at,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  finishedAt: row.finished_at,
});

/**
 * Records a pending purge of `videoId` on each shield, first tried at `firstAttemptAt`; call it inside the
 * transaction that moves the video to DELETED. Asked again (a repeated DELETE), every purge starts over, even
 * one done or abandoned: a BAN twice is harmless.
 */
export async function requestShieldPurges(sql: Sql, videoId: string, shields: string[], firstAttemptAt: Date): Promise<void> {
  if (shields.length === 0) return;
  await sql.query(
    `INSERT INTO shield_purges (video_id, shield, next_attempt_at) SELECT $1::text, shield, $3::timestamptz FROM unnest($2::text[]) AS shield
     ON CONFLICT (video_id, shield) DO UPDATE SET state = 'pending', requested_at = EXCLUDED.requested_at, attempts = 0,
       next_attempt_at = EXCLUDED.next_attempt_at, last_error = NULL, finished_at = NULL`,
    [videoId, shields, firstAttemptAt],
  );
}

/** Every purge of one video, by shield. */
export async function shieldPurgesOf(sql: Sql, videoId: string): Promise<ShieldPurge[]> {
  const { rows } = await sql.query<ShieldPurgeRow>('SELECT * FROM shield_purges WHERE video_id = $1 ORDER BY shield', [videoId]);
  return rows.map(purgeFromRow);
}

/** The pending purges of one video (the DELETE's own attempt). */
export async function pendingShieldPurgesOf(sql: Sql, videoId: string): Promise<ShieldPurge[]> {
  const { rows } = await sql.query<ShieldPurgeRow>(`SELECT * FROM shield_purges WHERE video_id = $1 AND state = 'pending' ORDER BY shield`, [videoId]);
  return rows.map(purgeFromRow);
}

/** Pending purges whose time has come, oldest first. */
export async function dueShieldPurges(sql: Sql, now: Date, limit: number): Promise<ShieldPurge[]> {
  const { rows } = await sql.query<ShieldPurgeRow>(
    `SELECT * FROM shield_purges WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, video_id, shield LIMIT $2`,
    [now, limit],
  );
  return rows.map(purgeFromRow);
}

/** The shield acknowledged the BAN. */
export async function completeShieldPurge(sql: Sql, videoId: string, shield: string): Promise<void> {
  await sql.query(
    `UPDATE shield_purges SET state = 'done', attempts = attempts + 1, last_error = NULL, finished_at = date_trunc('milliseconds', now())
     WHERE video_id = $1 AND shield = $2 AND state = 'pending'`,
    [videoId, shield],
  );
}

/** The BAN failed: counted, with its cause, and tried again at `nextAttemptAt`. */
export async function deferShieldPurge(sql: Sql, videoId: string, shield: string, nextAttemptAt: Date, error: string): Promise<void> {
  await sql.query(`UPDATE shield_purges SET attempts = attempts + 1, next_attempt_at = $3, last_error = $4 WHERE video_id = $1 AND shield = $2 AND state = 'pending'`, [
    videoId,
    shield,
    nextAttemptAt,
    error.slice(0, 2_000),
  ]);
}

/** The BAN failed for too long: no more attempts; the row stays, with its last cause, until a repeated DELETE. */
export async function abandonShieldPurge(sql: Sql, videoId: string, shield: string, error: string): Promise<void> {
  await sql.query(
    `UPDATE shield_purges SET state = 'abandoned', attempts = attempts + 1, last_error = $3, finished_at = date_trunc('milliseconds', now())
     WHERE video_id = $1 AND shield = $2 AND state = 'pending'`,
    [videoId, shield, error.slice(0, 2_000)],
  );
}
