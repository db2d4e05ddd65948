import type { Sql } from './sql.ts';

/** What an upload asked for: on or off, and maybe the language; absent = as the channel's configuration says. */
export interface AutoCaptionsRequest {
  enabled: boolean;
  language?: string;
}

export type AutoCaptionsState = 'generated' | 'skipped' | 'no-speech' | 'failed' | 'superseded';

/** How the last run ended, as recorded. */
export interface AutoCaptionsRecord {
  request: AutoCaptionsRequest | null;
  state: AutoCaptionsState | null;
  language: string | null;
  engine: string | null;
  reason: string | null;
  trackId: string | null;
  cueCount: number | null;
  audioSeconds: number | null;
  elapsedSeconds: number | null;
  updatedAt: Date;
}

interface AutoCaptionsRow {
  requested_enabled: boolean | null;
  requested_language: string | null;
  state: AutoCaptionsState | null;
  language: string | null;
  engine: string | null;
  reason: string | null;
  track_id: string | null;
  cue_count: number | null;
  audio_seconds: number | null;
  elapsed_seconds: number | null;
  updated_at: Date;
}

export async function requestAutoCaptions(sql: Sql, videoId: string, request: AutoCaptionsRequest): Promise<void> {
  await sql.query(
    `INSERT INTO video_auto_captions (video_id, requested_enabled, requested_language) VALUES ($1, $2, $3)
     ON CONFLICT (video_id) DO UPDATE SET requested_enabled = $2, requested_language = $3, updated_at = date_trunc('milliseconds', now())`,
    [videoId, request.enabled, request.language ?? null],
  );
}

export async function getAutoCaptions(sql: Sql, videoId: string): Promise<AutoCaptionsRecord | null> {
  const { rows } = await sql.query<AutoCaptionsRow>('SELECT * FROM video_auto_captions WHERE video_id = $1', [videoId]);
  const row = rows[0];
  if (!row) return null;
  return {
    request: row.requested_enabled === null ? null : { enabled: row.requested_enabled, ...(row.requested_language ? { language: row.requested_language } : {}) },
    state: row.state,
    language: row.language,
    engine: row.engine,
    reason: row.reason,
    trackId: row.track_id,
    cueCount: row.cue_count,
    audioSeconds: row.audio_seconds,
    elapsedSeconds: row.elapsed_seconds,
    updatedAt: new Date(row.updated_at),
  };
}

export interface AutoCaptionsOutcomeRow {
  state: AutoCaptionsState;
  language: string;
  engine?: string;
  reason?: string;
  trackId?: string;
  cueCount?: number;
  audioSeconds?: number;
  elapsedSeconds?: number;
}

/** Records the outcome of the last run (a retried record writes the same values again). */
export async function recordAutoCaptionsOutcome(sql: Sql, videoId: string, outcome: AutoCaptionsOutcomeRow): Promise<void> {
  await sql.query(
    `INSERT INTO video_auto_captions (video_id, state, language, engine, reason, track_id, cue_count, audio_seconds, elapsed_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (video_id) DO UPDATE SET state = $2, language = $3, engine = $4, reason = $5, track_id = $6, cue_count = $7,
       audio_seconds = $8, elapsed_seconds = $9, updated_at = date_trunc('milliseconds', now())`,
    [videoId, outcome.state, outcome.language, outcome.engine ?? null, outcome.reason ?? null, outcome.trackId ?? null, outcome.cueCount ?? null, outcome.audioSeconds ?? null, outcome.elapsedSeconds ?? null],
  );
}
