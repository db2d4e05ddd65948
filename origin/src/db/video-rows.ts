import type { VideoChatRoom, VideoVisibility } from '../../../contracts/channels.ts';
import type { VideoState } from '../videos/states.ts';

export type VideoSource = Record<string, unknown>;

export interface Video {
  id: string;
  title: string;
  description: string;
  channelId: string | null;
  /** Which room its watch page joins (contracts/channels.ts). */
  chatRoom: VideoChatRoom;
  visibility: VideoVisibility;
  state: VideoState;
  failureReason: string | null;
  durationSeconds: number | null;
  /** Where the uploaded original lives, e.g. `{ bucket, key, size }`. */
  source: VideoSource | null;
  /** Transcoding progress, 0 to 1. */
  progress: number;
  maxDurationSeconds: number | null;
  thumbnailKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a state transition (or a plain update) may set alongside the state. */
export interface VideoPatch {
  title?: string;
  description?: string;
  channelId?: string | null;
  chatRoom?: VideoChatRoom;
  visibility?: VideoVisibility;
  failureReason?: string | null;
  durationSeconds?: number | null;
  source?: VideoSource | null;
  progress?: number;
  thumbnailKey?: string | null;
}

export interface VideoRow {
  id: string;
  title: string;
  description: string;
  channel_id: string | null;
  chat_room: VideoChatRoom;
  visibility: VideoVisibility;
  state: VideoState;
  failure_reason: string | null;
  duration_seconds: number | null;
  source: VideoSource | null;
  progress: number;
  max_duration_seconds: number | null;
  thumbnail_key: string | null;
  created_at: Date;
  updated_at: Date;
}

export function videoFromRow(row: VideoRow): Video {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    channelId: row.channel_id,
    chatRoom: row.chat_room,
    visibility: row.visibility,
    state: row.state,
    failureReason: row.failure_reason,
    durationSeconds: row.duration_seconds,
    source: row.source,
    progress: row.progress,
    maxDurationSeconds: row.max_duration_seconds,
    thumbnailKey: row.thumbnail_key,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const patchColumns: Record<keyof VideoPatch, string> = {
  title: 'title',
  description: 'description',
  channelId: 'channel_id',
  chatRoom: 'chat_room',
  visibility: 'visibility',
  failureReason: 'failure_reason',
  durationSeconds: 'duration_seconds',
  source: 'source',
  progress: 'progress',
  thumbnailKey: 'thumbnail_key',
};

/**
 * `SET` assignments for the fields present in `patch`, numbered from `$firstParam`.
 * Column names come from the fixed map above, never from input.
 */
export function patchAssignments(patch: VideoPatch, firstParam: number): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(patchColumns) as [keyof VideoPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    const param = `$${firstParam + values.length}`;
    assignments.push(column === 'source' ? `source = ${param}::jsonb` : `${column} = ${param}`);
    values.push(column === 'source' && value !== null ? JSON.stringify(value) : value);
  }
  return { assignments, values };
}

export interface VideoCursor {
  createdAt: Date;
  id: string;
}

/** Opaque to clients: base64url of `{ createdAt, id }` of the last video of a page. */
export function encodeVideoCursor(cursor: VideoCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdAt.toISOString(), id: cursor.id })).toString('base64url');
}

/** The cursor, or null when the text is not one `encodeVideoCursor` made (cursors come from clients). */
export function decodeVideoCursor(text: string): VideoCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { t, id } = parsed as { t?: unknown; id?: unknown };
    if (typeof t !== 'string' || typeof id !== 'string') return null;
    const createdAt = new Date(t);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
  } catch {
    return null;
  }
}
