import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { PLAYABILITY_CODE } from '../../../contracts/http.ts';
import { ApiError } from '../api/errors.ts';
import { listCaptionTracks } from '../captions/track-store.ts';
import { listRenditions } from '../db/renditions.ts';
import type { Sql } from '../db/sql.ts';
import { getVideo } from '../db/videos.ts';
import { cacheControlFor } from './cache-policy.ts';
import { noneMatchHits } from './http-conditional.ts';
import { buildMasterPlaylist, masterRenditions, publishedRenditions } from './master-playlist.ts';
import type { MediaTarget } from './media-path.ts';

/** A strong validator of the generated text: equal bytes, equal tag, on every origin instance. */
export function masterEntityTag(text: string): string {
  return `"m-${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
}

/** `GET|HEAD /media/{videoId}/master.m3u8`: generated from the renditions recorded in the DB. */
export async function serveMaster(c: Context, deps: { sql: Sql; log: Logger }, target: MediaTarget): Promise<Response> {
  const video = await getVideo(deps.sql, target.videoId);
  if (!video || video.state === 'DELETED') throw new ApiError(404, `no video ${target.videoId}`);
  if (video.state === 'FAILED') {
    throw new ApiError(409, `video ${video.id} failed and has nothing to play: ${video.failureReason ?? 'no reason recorded'}`, { code: PLAYABILITY_CODE.failed });
  }
  const renditions = masterRenditions(publishedRenditions(await listRenditions(deps.sql, video.id), new Date()), video.state);
  const text = buildMasterPlaylist(renditions, await listCaptionTracks(deps.sql, video.id));
  if (text === null) {
    if (renditions.length > 0) deps.log.error({ event: 'master_unusable_renditions', videoId: video.id, renditions: renditions.map((r) => r.name) }, 'renditions recorded but none is well-formed');
    throw new ApiError(409, `video ${video.id} is ${video.state} and has no published rendition yet: retry once it is PLAYABLE`, { code: PLAYABILITY_CODE.gatewayNotReady, headers: { 'Retry-After': '2' } });
  }
  const etag = masterEntityTag(text);
  const headers = { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': cacheControlFor('master', video.state), ETag: etag };
  if (noneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
}
