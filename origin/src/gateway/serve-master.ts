import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { listRenditions } from '../db/renditions.ts';
import type { Sql } from '../db/sql.ts';
import { getVideo } from '../db/videos.ts';
import { cacheControlFor } from './cache-policy.ts';
import { noneMatchHits } from './http-conditional.ts';
import { buildMasterPlaylist, masterRenditions, publishedRenditions } from './master-playlist.ts';
import type { MediaTarget } from './media-path.ts';
import { mediaError } from './media-error.ts';

/** A strong validator of the generated text: equal bytes, equal tag, on every origin instance. */
export function masterEntityTag(text: string): string {
  return `"m-${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
}

/** `GET|HEAD /media/{videoId}/master.m3u8`: generated from the renditions recorded in the DB. */
export async function serveMaster(c: Context, deps: { sql: Sql; log: Logger }, target: MediaTarget): Promise<Response> {
  const video = await getVideo(deps.sql, target.videoId);
  if (!video || video.state === 'DELETED') return mediaError(c, 404, 'not_found', `no video ${target.videoId}`);
  if (video.state === 'FAILED') {
    return mediaError(c, 409, 'video_failed', `video ${video.id} failed and has nothing to play: ${video.failureReason ?? 'no reason recorded'}`);
  }
  const renditions = masterRenditions(publishedRenditions(await listRenditions(deps.sql, video.id), new Date()), video.state);
  const text = buildMasterPlaylist(renditions);
  if (text === null) {
    if (renditions.length > 0) deps.log.error({ event: 'master_unusable_renditions', videoId: video.id, renditions: renditions.map((r) => r.name) }, 'renditions recorded but none is well-formed');
    return mediaError(c, 409, 'not_ready', `video ${video.id} is ${video.state} and has no published rendition yet: retry once it is PLAYABLE`, { 'Retry-After': '2' });
  }
  const etag = masterEntityTag(text);
  const headers = { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': cacheControlFor('master', video.state), ETag: etag };
  if (noneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
}
