import type { LiveInputStatus, LiveLatency } from '../../../contracts/live-inputs.ts';
import { hashSecret, newId, newSecret } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { restreamTargetsColumn, restreamTargetsFromJson, type RestreamTargetState } from './restream-target-rows.ts';

/** The connection nginx-rtmp authorized for an input: enough to recognise its `on_publish_done` later. */
export interface Publisher {
  /** nginx-rtmp's connection number (unique per ingest process). */
  clientId: string;
  /** The hash of the key it published with (after a rotation the input's key differs). */
  keyHash: string;
  addr: string;
  since: string;
}

/** A live input as stored; the stream key's hash never leaves this module. */
export interface LiveInput {
  id: string;
  title: string;
  channelId: string | null;
  enabled: boolean;
  status: LiveInputStatus;
  reconnectWindowSeconds: number;
  recording: boolean;
  /** `low`: the ladder PUTs fragmented MP4 to the origin, which packages LL-HLS (llhls/); `standard`: FFmpeg's HLS. */
  latency: LiveLatency;
  /** Keys masked; restream-target-rows.ts opens a key only for the restream activity. */
  restreamTargets: RestreamTargetState[];
  publisher: Publisher | null;
  broadcasts: number;
  /** The UDP port of the input's SRT listener; null without SRT ingest (srt-input-rows.ts). */
  srtPort: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface LiveInputRow {
  id: string;
  title: string;
  channel_id: string | null;
  enabled: boolean;
  status: LiveInputStatus;
  reconnect_window_seconds: number;
  recording: boolean;
  latency: LiveLatency;
  restream_targets: Parameters<typeof restreamTargetsFromJson>[0];
  publisher: Publisher | null;
  broadcasts: number;
  srt_port: number | null;
  created_at: Date;
  updated_at: Date;
}

const columns = `id, title, channel_id, enabled, status, reconnect_window_seconds, recording, latency, ${restreamTargetsColumn}, publisher, broadcasts, srt_port, created_at, updated_at`;

function liveInputFromRow(row: LiveInputRow): LiveInput {
  return {
    id: row.id,
    title: row.title,
    channelId: row.channel_id,
    enabled: row.enabled,
    status: row.status,
    reconnectWindowSeconds: row.reconnect_window_seconds,
    recording: row.recording,
    latency: row.latency,
    restreamTargets: restreamTargetsFromJson(row.restream_targets),
    publisher: row.publisher,
    broadcasts: row.broadcasts,
    srtPort: row.srt_port,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** A fresh stream key (`lk_` + 256 bits): returned to the caller once, only its hash is stored. */
export const newStreamKey = () => newSecret('lk');

export interface NewLiveInput {
  title: string;
  channelId?: string;
  reconnectWindowSeconds: number;
  recording: boolean;
  /** Absent: standard. */
  latency?: LiveLatency;
}

/** Targets are stored apart, their keys sealed: `insertRestreamTargets` in the same transaction. */
export async function createLiveInput(sql: Sql, input: NewLiveInput): Promise<{ liveInput: LiveInput; streamKey: string }> {
  const streamKey = newStreamKey();
  const { rows } = await sql.query<LiveInputRow>(
    `INSERT INTO live_inputs (id, title, channel_id, stream_key_hash, reconnect_window_seconds, recording, latency)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
    [newId('live'), input.title, input.channelId ?? null, hashSecret(streamKey), input.reconnectWindowSeconds, input.recording, input.latency ?? 'standard'],
  );
  return { liveInput: liveInputFromRow(rows[0]!), streamKey };
}

export async function getLiveInput(sql: Sql, id: string): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(`SELECT ${columns} FROM live_inputs WHERE id = $1`, [id]);
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/** A channel's input that is on air (`live`, or `reconnecting` within its window), most recently changed first; null when none is. */
export async function onAirLiveInput(sql: Sql, channelId: string): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(
    `SELECT ${columns} FROM live_inputs WHERE channel_id = $1 AND enabled AND status IN ('live', 'reconnecting') ORDER BY updated_at DESC, id DESC LIMIT 1`,
    [channelId],
  );
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/** Newest first; a deployment has few inputs, so no paging. */
export async function listLiveInputs(sql: Sql, limit = 500): Promise<LiveInput[]> {
  const { rows } = await sql.query<LiveInputRow>(`SELECT ${columns} FROM live_inputs ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  return rows.map(liveInputFromRow);
}

/**
 * The input whose current key is `streamKey`, looked up by hash (timing depends on the hash, not on the guess). The SRT
 * relay publishes with the input's relay key, which is looked up the same way.
 */
export async function findLiveInputByKey(sql: Sql, streamKey: string): Promise<LiveInput | null> {
  const hash = hashSecret(streamKey);
  const { rows } = await sql.query<LiveInputRow>(`SELECT ${columns} FROM live_inputs WHERE stream_key_hash = $1 OR srt_relay_key_hash = $1`, [hash]);
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/** Replaces the key; the old one is refused from now on. Null if there is no such input. */
export async function rotateStreamKey(sql: Sql, id: string): Promise<{ liveInput: LiveInput; streamKey: string } | null> {
  const streamKey = newStreamKey();
  const { rows } = await sql.query<LiveInputRow>(
    `UPDATE live_inputs SET stream_key_hash = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING ${columns}`,
    [id, hashSecret(streamKey)],
  );
  return rows[0] ? { liveInput: liveInputFromRow(rows[0]), streamKey } : null;
}

export async function deleteLiveInput(sql: Sql, id: string): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(`DELETE FROM live_inputs WHERE id = $1 RETURNING ${columns}`, [id]);
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/**
 * Makes `publisher` the input's one publisher — only if nobody publishes now (one UPDATE, so two publishers racing
 * cannot both win). Within the reconnect window (`reconnecting`) it continues the current broadcast; otherwise it
 * starts broadcast n+1. Null when another publisher holds the input.
 */
export async function claimPublisher(sql: Sql, id: string, publisher: Publisher): Promise<{ input: LiveInput; continued: boolean } | null> {
  const { rows } = await sql.query<LiveInputRow & { continued: boolean }>(
    `WITH before AS (SELECT status FROM live_inputs WHERE id = $1 AND publisher IS NULL FOR UPDATE)
     UPDATE live_inputs SET publisher = $2::jsonb, status = 'live',
       broadcasts = CASE WHEN (SELECT status FROM before) = 'reconnecting' THEN broadcasts ELSE broadcasts + 1 END,
       updated_at = clock_timestamp()
     WHERE id = $1 AND publisher IS NULL RETURNING ${columns}, (SELECT status FROM before) = 'reconnecting' AS continued`,
    [id, JSON.stringify(publisher)],
  );
  return rows[0] ? { input: liveInputFromRow(rows[0]), continued: rows[0].continued } : null;
}

/** Ends broadcast `n` if it waits for its publisher (reconnecting → ended). False when it is not waiting. */
export async function closeBroadcast(sql: Sql, id: string, broadcast: number): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE live_inputs SET status = 'ended', updated_at = clock_timestamp()
     WHERE id = $1 AND broadcasts = $2 AND status = 'reconnecting' AND publisher IS NULL RETURNING id`,
    [id, broadcast],
  );
  return rows.length === 1;
}

/**
 * Forgets the publisher nginx reports gone (matched by connection and the key it used, since the key may
 * have been rotated meanwhile) and moves the input to `status`. Null when that publisher held no input.
 */
export async function releasePublisher(sql: Sql, match: { clientId: string; keyHash: string }, status: LiveInputStatus): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(
    `UPDATE live_inputs SET publisher = NULL, status = $3, updated_at = clock_timestamp()
     WHERE publisher->>'clientId' = $1 AND publisher->>'keyHash' = $2 RETURNING ${columns}`,
    [match.clientId, match.keyHash, status],
  );
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/** The enabled input `publisher` (by nginx connection and key) holds now, or null (deleted, disabled, released). */
export async function heldByPublisher(sql: Sql, match: { clientId: string; keyHash: string }): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(
    `SELECT ${columns} FROM live_inputs WHERE publisher->>'clientId' = $1 AND publisher->>'keyHash' = $2 AND enabled`,
    [match.clientId, match.keyHash],
  );
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

export async function setLiveInputStatus(sql: Sql, id: string, status: LiveInputStatus): Promise<void> {
  await sql.query(`UPDATE live_inputs SET status = $2, updated_at = clock_timestamp() WHERE id = $1`, [id, status]);
}

/**
 * Hands an input held by a publisher that is gone (its ingest restarted or died: no on_publish_done ever came) to
 * `next`, continuing the current broadcast — only while `gone` still holds it, so two reconnects cannot both win.
 */
export async function replaceGonePublisher(sql: Sql, id: string, gone: Publisher, next: Publisher): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(
    `UPDATE live_inputs SET publisher = $3::jsonb, status = 'live', updated_at = clock_timestamp()
     WHERE id = $1 AND publisher = $2::jsonb RETURNING ${columns}`,
    [id, JSON.stringify(gone), JSON.stringify(next)],
  );
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}

/** Forgets a publisher that is gone without on_publish_done: the input waits for it (`reconnecting`), as if it had left. */
export async function releaseGonePublisher(sql: Sql, id: string, gone: Publisher): Promise<LiveInput | null> {
  const { rows } = await sql.query<LiveInputRow>(
    `UPDATE live_inputs SET publisher = NULL, status = 'reconnecting', updated_at = clock_timestamp()
     WHERE id = $1 AND publisher = $2::jsonb RETURNING ${columns}`,
    [id, JSON.stringify(gone)],
  );
  return rows[0] ? liveInputFromRow(rows[0]) : null;
}
