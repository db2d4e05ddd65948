import type { VideoChatRoom, VideoVisibility } from '../../../contracts/channels.ts';
import { canTransition, type VideoState } from '../videos/states.ts';
import { newId } from './secrets.ts';
import type { Sql } from './sql.ts';
import {
  decodeVideoCursor,
  encodeVideoCursor,
  patchAssignments,
  videoFromRow,
  type Video,
  type VideoPatch,
  type VideoRow,
  type VideoSource,
} from './video-rows.ts';

export type { Video, VideoPatch, VideoSource } from './video-rows.ts';

export interface NewVideo {
  /** Defaults to a fresh `vid_…` id. */
  id?: string;
  title?: string;
  description?: string;
  channelId?: string | null;
  chatRoom?: VideoChatRoom;
  visibility?: VideoVisibility;
  maxDurationSeconds?: number | null;
  source?: VideoSource | null;
}

export async function createVideo(sql: Sql, input: NewVideo, now: Date = new Date()): Promise<Video> {
  const { rows } = await sql.query<VideoRow>(
    `INSERT INTO videos (id, title, description, channel_id, max_duration_seconds, source, chat_room, visibility, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $9) RETURNING *`,
    [
      input.id ?? newId('vid'),
      input.title ?? '',
      input.description ?? '',
      input.channelId ?? null,
      input.maxDurationSeconds ?? null,
      input.source == null ? null : JSON.stringify(input.source),
      input.chatRoom ?? 'channel',
      input.visibility ?? 'unlisted',
      now,
    ],
  );
  return videoFromRow(rows[0]!);
}

export async function getVideo(sql: Sql, id: string): Promise<Video | null> {
  const { rows } = await sql.query<VideoRow>('SELECT * FROM videos WHERE id = $1', [id]);
  return rows[0] ? videoFromRow(rows[0]) : null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned: pass `nextCursor` from the previous page unchanged, or omit it for the first page');
  }
}

export interface ListVideosOptions {
  /** Page size, 1–100 (default 20). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  channelId?: string;
  /** DELETED videos are left out unless asked for. */
  includeDeleted?: boolean;
}

/** Newest first, paged by (created_at, id) so pages neither skip nor repeat rows inserted meanwhile. */
export async function listVideos(sql: Sql, options: ListVideosOptions = {}): Promise<{ videos: Video[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 100);
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (options.cursor !== undefined) {
    const after = decodeVideoCursor(options.cursor);
    if (!after) throw new InvalidCursorError();
    params.push(after.createdAt, after.id);
    conditions.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  if (options.channelId !== undefined) {
    params.push(options.channelId);
    conditions.push(`channel_id = $${params.length}`);
  }
  if (!options.includeDeleted) conditions.push(`state <> 'DELETED'`);
  params.push(limit + 1);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await sql.query<VideoRow>(
    `SELECT * FROM videos ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const videos = rows.slice(0, limit).map(videoFromRow);
  const last = videos[videos.length - 1];
  return { videos, nextCursor: rows.length > limit && last ? encodeVideoCursor(last) : null };
}

/** What an operator may change on a video at any state (`PATCH /v1/videos/:id`). */
export type VideoSettings = Pick<VideoPatch, 'title' | 'description' | 'channelId' | 'chatRoom' | 'visibility'>;

/** A channel page's videos: public, playable, newest first. */
export async function publicChannelVideos(sql: Sql, channelId: string, limit = 24): Promise<Video[]> {
  const { rows } = await sql.query<VideoRow>(
    `SELECT * FROM videos WHERE channel_id = $1 AND visibility = 'public' AND state IN ('PLAYABLE', 'READY') ORDER BY created_at DESC, id DESC LIMIT $2`,
    [channelId, limit],
  );
  return rows.map(videoFromRow);
}

/** Applies `settings` to a video that is not DELETED; null when there is no such video. */
export async function updateVideoSettings(sql: Sql, id: string, settings: VideoSettings): Promise<Video | null> {
  const { assignments, values } = patchAssignments(settings, 2);
  const { rows } = await sql.query<VideoRow>(
    `UPDATE videos SET ${[`updated_at = date_trunc('milliseconds', now())`, ...assignments].join(', ')}
     WHERE id = $1 AND state <> 'DELETED' RETURNING *`,
    [id, ...values],
  );
  return rows[0] ? videoFromRow(rows[0]) : null;
}

export type TransitionResult =
  | { ok: true; video: Video }
  /** The state machine forbids moving from (one of) `from` to `to`; nothing was read or written. */
  | { ok: false; reason: 'illegal-transition' }
  | { ok: false; reason: 'not-found' }
  /** The video is in `current`, not in any of `from`; it was left unchanged. */
  | { ok: false; reason: 'state-mismatch'; current: VideoState };

/**
 * Moves a video from one of `from` to `to` and applies `patch`, in one conditional UPDATE:
 * of two concurrent callers from the same state, exactly one wins. Idempotent callers can
 * treat `state-mismatch` with `current === to` as already done.
 */
export async function transitionVideo(sql: Sql, id: string, from: readonly VideoState[], to: VideoState, patch: VideoPatch = {}): Promise<TransitionResult> {
  if (from.length === 0 || !from.every((state) => canTransition(state, to))) return { ok: false, reason: 'illegal-transition' };
  const { assignments, values } = patchAssignments(patch, 4);
  const { rows } = await sql.query<VideoRow>(
    `UPDATE videos SET ${['state = $2', `updated_at = date_trunc('milliseconds', now())`, ...assignments].join(', ')}
     WHERE id = $1 AND state = ANY($3::text[]) RETURNING *`,
    [id, to, [...from], ...values],
  );
  if (rows[0]) return { ok: true, video: videoFromRow(rows[0]) };
  const current = await sql.query<{ state: VideoState }>('SELECT state FROM videos WHERE id = $1', [id]);
  return current.rows[0] ? { ok: false, reason: 'state-mismatch', current: current.rows[0].state } : { ok: false, reason: 'not-found' };
}
