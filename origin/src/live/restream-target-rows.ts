import type { RestreamTarget, RestreamTargetSecret, RestreamTargetStatus, RestreamTargetStatusReport } from '../../../contracts/live-inputs.ts';
import { isSealed, type SealedSecrets } from '../db/sealed-secrets.ts';
import { newId } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { maskStreamKey } from './restream-key-mask.ts';

/** A restream target as stored, without its key (that stays sealed until the restream activity asks for it). */
export interface RestreamTargetState {
  id: string;
  url: string;
  streamKeyMasked: string;
  status: RestreamTargetStatus;
  lastError: string | null;
  statusChangedAt: Date;
}

/** What the sealed key belongs to: the additional data of its sealing, so a key moved to another row does not open. */
export const restreamKeyOwner = (targetId: string) => `live_restream_targets/${targetId}`;

/**
 * The input's targets as one jsonb array, for the SELECT lists of live-input-rows.ts (a subquery on the outer
 * `live_inputs` row, so every query that returns an input returns its targets too).
 */
export const restreamTargetsColumn = `(SELECT COALESCE(jsonb_agg(jsonb_build_object(
    'id', t.id, 'url', t.url, 'streamKeyMasked', t.stream_key_masked, 'status', t.status, 'lastError', t.last_error, 'statusChangedAt', t.status_changed_at
  ) ORDER BY t.position), '[]'::jsonb) FROM live_restream_targets t WHERE t.live_input_id = live_inputs.id) AS restream_targets`;

interface RestreamTargetJson {
  id: string;
  url: string;
  streamKeyMasked: string;
  status: RestreamTargetStatus;
  lastError: string | null;
  statusChangedAt: string;
}

export function restreamTargetsFromJson(json: RestreamTargetJson[] | string): RestreamTargetState[] {
  const targets = typeof json === 'string' ? (JSON.parse(json) as RestreamTargetJson[]) : json;
  return targets.map((target) => ({ ...target, statusChangedAt: new Date(target.statusChangedAt) }));
}

/** Stores an input's targets, each key sealed under its new target id. Run it in the transaction that creates the input. */
export async function insertRestreamTargets(sql: Sql, sealed: SealedSecrets, liveInputId: string, targets: RestreamTarget[]): Promise<void> {
  for (const [position, target] of targets.entries()) {
    const id = newId('rst');
    await sql.query(
      `INSERT INTO live_restream_targets (id, live_input_id, position, url, stream_key_sealed, stream_key_masked) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, liveInputId, position, target.url, sealed.seal(target.streamKey, restreamKeyOwner(id)), maskStreamKey(target.streamKey)],
    );
  }
}

/**
 * Adds one target at the end of an input's list, its key sealed under its new id. 'no-input' when the input does not
 * exist, 'full' when it already has `max` targets (the input row is locked, so two adds cannot both pass the count).
 */
export async function addRestreamTarget(
  sql: Sql,
  sealed: SealedSecrets,
  liveInputId: string,
  target: RestreamTarget,
  max: number,
): Promise<{ id: string } | 'no-input' | 'full'> {
  return sql.transaction(async (tx) => {
    const { rows: inputs } = await tx.query(`SELECT id FROM live_inputs WHERE id = $1 FOR UPDATE`, [liveInputId]);
    if (inputs.length === 0) return 'no-input';
    const { rows } = await tx.query<{ count: string | number; next: string | number }>(
      `SELECT count(*) AS count, COALESCE(max(position) + 1, 0) AS next FROM live_restream_targets WHERE live_input_id = $1`,
      [liveInputId],
    );
    if (Number(rows[0]!.count) >= max) return 'full';
    const id = newId('rst');
    await tx.query(
      `INSERT INTO live_restream_targets (id, live_input_id, position, url, stream_key_sealed, stream_key_masked) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, liveInputId, Number(rows[0]!.next), target.url, sealed.seal(target.streamKey, restreamKeyOwner(id)), maskStreamKey(target.streamKey)],
    );
    return { id };
  });
}

/** Removes one target of an input (its sealed key with it); false when the input has no such target. */
export async function deleteRestreamTarget(sql: Sql, liveInputId: string, targetId: string): Promise<boolean> {
  const { rows } = await sql.query(`DELETE FROM live_restream_targets WHERE id = $1 AND live_input_id = $2 RETURNING id`, [targetId, liveInputId]);
  return rows.length === 1;
}

/** The ids of an input's targets in their order: what the live workflow starts one push for each. */
export async function restreamTargetIds(sql: Sql, liveInputId: string): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM live_restream_targets WHERE live_input_id = $1 ORDER BY position`, [liveInputId]);
  return rows.map((row) => row.id);
}

/** The target's URL and key in clear, for the restream activity only; null when the target (or its input) was deleted. */
export async function openRestreamTarget(sql: Sql, sealed: SealedSecrets, id: string): Promise<RestreamTargetSecret | null> {
  const { rows } = await sql.query<{ id: string; live_input_id: string; url: string; stream_key_sealed: string }>(
    `SELECT id, live_input_id, url, stream_key_sealed FROM live_restream_targets WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, liveInputId: row.live_input_id, url: row.url, streamKey: sealed.open(row.stream_key_sealed, restreamKeyOwner(row.id)) } : null;
}

/** A target after a status report: whether the report changed it (status or reason), and its input. */
export interface RecordedRestreamStatus {
  changed: boolean;
  liveInputId: string;
  target: RestreamTargetState;
}

/** Records a push's status; the time moves only when the status or the error changes. Null when there is no such target. */
export async function recordRestreamStatus(sql: Sql, id: string, report: RestreamTargetStatusReport): Promise<RecordedRestreamStatus | null> {
  const { rows } = await sql.query<{ live_input_id: string; url: string; stream_key_masked: string; status: RestreamTargetStatus; last_error: string | null; status_changed_at: Date | string; changed: boolean }>(
    `UPDATE live_restream_targets t SET status = $2, last_error = $3,
       status_changed_at = CASE WHEN before.changed THEN date_trunc('milliseconds', clock_timestamp()) ELSE t.status_changed_at END
     FROM (SELECT id, NOT (status = $2 AND last_error IS NOT DISTINCT FROM $3) AS changed FROM live_restream_targets WHERE id = $1) before
     WHERE t.id = before.id
     RETURNING t.live_input_id, t.url, t.stream_key_masked, t.status, t.last_error, t.status_changed_at, before.changed`,
    [id, report.status, report.lastError],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    changed: row.changed,
    liveInputId: row.live_input_id,
    target: { id, url: row.url, streamKeyMasked: row.stream_key_masked, status: row.status, lastError: row.last_error, statusChangedAt: new Date(row.status_changed_at) },
  };
}

/**
 * Seals the keys stored in clear before sealing existed (moved from `live_inputs.restream_targets` by migration 75;
 * the origin runs it at start) and writes their masks; returns how many it rewrote.
 */
export async function sealClearRestreamKeys(sql: Sql, sealed: SealedSecrets): Promise<number> {
  const { rows } = await sql.query<{ id: string; stream_key_sealed: string }>(
    `SELECT id, stream_key_sealed FROM live_restream_targets WHERE stream_key_sealed NOT LIKE 'sealed:%'`,
  );
  let rewritten = 0;
  for (const row of rows) {
    if (isSealed(row.stream_key_sealed)) continue;
    const { rows: changed } = await sql.query(
      `UPDATE live_restream_targets SET stream_key_sealed = $2, stream_key_masked = $3 WHERE id = $1 AND stream_key_sealed = $4 RETURNING id`,
      [row.id, sealed.seal(row.stream_key_sealed, restreamKeyOwner(row.id)), maskStreamKey(row.stream_key_sealed), row.stream_key_sealed],
    );
    rewritten += changed.length;
  }
  return rewritten;
}
