import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { CAPTION_TRACK_PREFIX, type CaptionKind } from '../../../contracts/captions.ts';
import { newId } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { getVideo } from '../db/videos.ts';
import { readCaptionFile, type CaptionFormat } from './caption-file.ts';

/**
 * The caption track store: one row in `caption_tracks` and one WebVTT object, written once, at
 * `{mediaBucket}/{videoId}/{trackId}/track.vtt` beside the renditions (deleting the video removes it with them).
 *
 * `storeCaptionTrack` is the one way a track gets in, for both halves of issue 25:
 * - the API (`POST /v1/videos/:id/captions`, routes.ts) stores uploaded tracks (`generated: false`);
 * - automatic captions store the speech engine's track with `generated: true` from an activity of the origin's
 *   `vora-origin` worker (the transcoder never writes the DB): the transcoder writes its WebVTT to a scratch key,
 *   the workflow calls the origin activity with `{videoId, language, label, text}` or the key, and the activity
 *   calls this function. See README.md ("Storing a generated track").
 *
 * Rules: a generated track replaces the generated track of the same language (a re-run); an uploaded track
 * replaces the generated track of its language; a generated track is not stored when an uploaded track of its
 * language exists (`uploaded_track_exists`). Uploaded tracks never replace each other: delete one to drop it.
 */

export interface CaptionTrack {
  id: string;
  videoId: string;
  /** Canonical BCP-47 (contracts/captions.ts canonicalLanguageTag). */
  language: string;
  label: string;
  kind: CaptionKind;
  generated: boolean;
  objectKey: string;
  cueCount: number;
  bytes: number;
  createdAt: Date;
}

export interface CaptionStoreDeps {
  sql: Sql;
  s3: S3Client;
  mediaBucket: string;
  log: Logger;
}

export interface StoreCaptionTrackInput {
  videoId: string;
  /** A canonical BCP-47 tag: pass it through `canonicalLanguageTag` (or the `CaptionLanguage` schema) first. */
  language: string;
  label: string;
  kind: CaptionKind;
  generated: boolean;
  /** The file: WebVTT or SRT (told apart by the `WEBVTT` signature unless `format` says). */
  text: string;
  format?: CaptionFormat;
}

export type StoreCaptionTrackResult =
  | { ok: true; track: CaptionTrack; replaced: string[] }
  | { ok: false; reason: 'malformed'; format: CaptionFormat; line: number; error: string }
  | { ok: false; reason: 'no_video' | 'uploaded_track_exists' | 'too_many_tracks'; error: string };

/** A video's tracks are listed in every master playlist: a bound keeps that small. */
export const MAX_TRACKS_PER_VIDEO = 32;

interface CaptionTrackRow {
  id: string;
  video_id: string;
  language: string;
  label: string;
  kind: CaptionKind;
  generated: boolean;
  object_key: string;
  cue_count: number;
  bytes: number;
  created_at: Date;
}

function trackFromRow(row: CaptionTrackRow): CaptionTrack {
  return {
    id: row.id,
    videoId: row.video_id,
    language: row.language,
    label: row.label,
    kind: row.kind,
    generated: row.generated,
    objectKey: row.object_key,
    cueCount: row.cue_count,
    bytes: row.bytes,
    createdAt: new Date(row.created_at),
  };
}

/** Where a track's WebVTT is stored: its folder beside the renditions. */
export function captionObjectKey(videoId: string, trackId: string): string {
  return `${videoId}/${trackId}/track.vtt`;
}

/** A video's tracks, oldest first (the order of the master's EXT-X-MEDIA lines and of the player's menu). */
export async function listCaptionTracks(sql: Sql, videoId: string): Promise<CaptionTrack[]> {
  const { rows } = await sql.query<CaptionTrackRow>('SELECT * FROM caption_tracks WHERE video_id = $1 ORDER BY created_at, id', [videoId]);
  return rows.map(trackFromRow);
}

export async function getCaptionTrack(sql: Sql, videoId: string, trackId: string): Promise<CaptionTrack | null> {
  const { rows } = await sql.query<CaptionTrackRow>('SELECT * FROM caption_tracks WHERE video_id = $1 AND id = $2', [videoId, trackId]);
  return rows[0] ? trackFromRow(rows[0]) : null;
}

/** Checks, stores the WebVTT once, then records the row (and drops the generated track it replaces) in one transaction. */
export async function storeCaptionTrack(deps: CaptionStoreDeps, input: StoreCaptionTrackInput): Promise<StoreCaptionTrackResult> {
  const file = readCaptionFile(input.text, input.format);
  if (!file.ok) return { ok: false, reason: 'malformed', format: file.format, line: file.line, error: file.error };
  const video = await getVideo(deps.sql, input.videoId);
  if (!video || video.state === 'DELETED') return { ok: false, reason: 'no_video', error: `no video ${input.videoId}` };

  const trackId = newId(CAPTION_TRACK_PREFIX.slice(0, -1));
  const objectKey = captionObjectKey(input.videoId, trackId);
  const body = Buffer.from(file.webvtt, 'utf8');
  // Written once under a fresh id: a track's bytes never change, so every cache may keep them.
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.mediaBucket, Key: objectKey, Body: body, ContentType: 'text/vtt; charset=utf-8', IfNoneMatch: '*' }));

  let outcome: StoreCaptionTrackResult;
  let replacedKeys: string[] = [];
  try {
    outcome = await deps.sql.transaction(async (tx) => {
      // Serialises stores for one video, so two uploads cannot both pass the rules below.
      await tx.query('SELECT id FROM videos WHERE id = $1 FOR UPDATE', [input.videoId]);
      const existing = (await tx.query<CaptionTrackRow>('SELECT * FROM caption_tracks WHERE video_id = $1', [input.videoId])).rows;
      const sameLanguage = existing.filter((row) => row.language === input.language);
      if (input.generated && sameLanguage.some((row) => !row.generated)) {
        return { ok: false, reason: 'uploaded_track_exists', error: `video ${input.videoId} has an uploaded ${input.language} track: the generated one is not stored` } as const;
      }
      const replaced = sameLanguage.filter((row) => row.generated);
      if (existing.length - replaced.length >= MAX_TRACKS_PER_VIDEO) {
        return { ok: false, reason: 'too_many_tracks', error: `video ${input.videoId} has ${existing.length} caption tracks, the most it may have: delete one first` } as const;
      }
      if (replaced.length > 0) await tx.query('DELETE FROM caption_tracks WHERE id = ANY($1::text[])', [replaced.map((row) => row.id)]);
      const { rows } = await tx.query<CaptionTrackRow>(
        `INSERT INTO caption_tracks (id, video_id, language, label, kind, generated, object_key, cue_count, bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [trackId, input.videoId, input.language, input.label, input.kind, input.generated, objectKey, file.track.cues.length, body.byteLength],
      );
      replacedKeys = replaced.map((row) => row.object_key);
      return { ok: true, track: trackFromRow(rows[0]!), replaced: replaced.map((row) => row.id) } as const;
    });
  } catch (error) {
    await removeObjects(deps, [objectKey], 'caption_object_orphaned');
    throw error;
  }
  if (!outcome.ok) {
    await removeObjects(deps, [objectKey], 'caption_object_orphaned');
    return outcome;
  }
  await removeObjects(deps, replacedKeys, 'caption_replaced_object_left');
  deps.log.info({ event: 'caption_track_stored', videoId: input.videoId, trackId, language: input.language, generated: input.generated, cues: outcome.track.cueCount, replaced: outcome.replaced }, 'caption track stored');
  return outcome;
}

/**
 * Deletes a track: the row first (the master stops listing it at once), then its object. An object that
 * cannot be removed is logged and left under the video's folder, which deleting the video clears.
 */
export async function deleteCaptionTrack(deps: CaptionStoreDeps, videoId: string, trackId: string): Promise<CaptionTrack | null> {
  const { rows } = await deps.sql.query<CaptionTrackRow>('DELETE FROM caption_tracks WHERE video_id = $1 AND id = $2 RETURNING *', [videoId, trackId]);
  if (!rows[0]) return null;
  const track = trackFromRow(rows[0]);
  await removeObjects(deps, [track.objectKey], 'caption_object_left');
  deps.log.info({ event: 'caption_track_deleted', videoId, trackId }, 'caption track deleted');
  return track;
}

/** Best effort: an object left behind costs bytes, never correctness (no row names it). */
async function removeObjects(deps: CaptionStoreDeps, keys: readonly string[], event: string): Promise<void> {
  for (const key of keys) {
    try {
      await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.mediaBucket, Key: key }));
    } catch (error) {
      deps.log.warn({ event, key, err: error }, 'caption object could not be removed');
    }
  }
}
