import type { Sql } from './sql.ts';

/** A pending "start workflow video-{id}" of the outbox (table `transcode_starts`, migration 40). */
export interface PendingTranscodeStart {
  videoId: string;
  sourceKey: string;
  attempts: number;
}

/** Records that `video-{videoId}` must be started; call it inside the transaction that moves the video to PROCESSING. */
export async function requestTranscodeStart(sql: Sql, videoId: string, sourceKey: string): Promise<void> {
  await sql.query(
    `INSERT INTO transcode_starts (video_id, source_key) VALUES ($1, $2)
     ON CONFLICT (video_id) DO UPDATE SET source_key = EXCLUDED.source_key, next_attempt_at = EXCLUDED.next_attempt_at`,
    [videoId, sourceKey],
  );
}

/** One pending start by video id (null when none is pending). */
export async function pendingTranscodeStart(sql: Sql, videoId: string): Promise<PendingTranscodeStart | null> {
  const { rows } = await sql.query<{ video_id: string; source_key: string; attempts: number }>('SELECT video_id, source_key, attempts FROM transcode_starts WHERE video_id = $1', [videoId]);
  const row = rows[0];
  return row ? { videoId: row.video_id, sourceKey: row.source_key, attempts: row.attempts } : null;
}

/**
 * Starts whose time has come, oldest first. Rows of videos that no longer wait for a transcode (deleted,
 * failed, finished) are removed here rather than started.
 */
export async function dueTranscodeStarts(sql: Sql, now: Date, limit: number): Promise<PendingTranscodeStart[]> {
  await sql.query(`DELETE FROM transcode_starts s USING videos v WHERE v.id = s.video_id AND v.state NOT IN ('PROCESSING', 'PLAYABLE')`);
  const { rows } = await sql.query<{ video_id: string; source_key: string; attempts: number }>(
    'SELECT video_id, source_key, attempts FROM transcode_starts WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, video_id LIMIT $2',
    [now, limit],
  );
  return rows.map((row) => ({ videoId: row.video_id, sourceKey: row.source_key, attempts: row.attempts }));
}

/** Temporal took the start (or already had the workflow): the row is done. */
export async function completeTranscodeStart(sql: Sql, videoId: string): Promise<void> {
  await sql.query('DELETE FROM transcode_starts WHERE video_id = $1', [videoId]);
}

/** The start failed: counted, with its error, and tried again at `nextAttemptAt`. */
export async function deferTranscodeStart(sql: Sql, videoId: string, nextAttemptAt: Date, error: string): Promise<void> {
  await sql.query('UPDATE transcode_starts SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE video_id = $1', [videoId, nextAttemptAt, error.slice(0, 2_000)]);
}

/** Videos in PROCESSING or PLAYABLE with no pending start, untouched since `before`: the sweeper's candidates. */
export async function quietTranscodingVideos(sql: Sql, before: Date, limit: number): Promise<Array<{ videoId: string; state: 'PROCESSING' | 'PLAYABLE' }>> {
  const { rows } = await sql.query<{ id: string; state: 'PROCESSING' | 'PLAYABLE' }>(
    `SELECT v.id, v.state FROM videos v
     WHERE v.state IN ('PROCESSING', 'PLAYABLE') AND v.updated_at < $1
       AND NOT EXISTS (SELECT 1 FROM transcode_starts s WHERE s.video_id = v.id)
     ORDER BY v.updated_at LIMIT $2`,
    [before, limit],
  );
  return rows.map((row) => ({ videoId: row.id, state: row.state }));
}
