import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { PLAYABILITY_CODE } from '../../../contracts/http.ts';
import { ApiError } from '../api/errors.ts';
import { mediaStartSeconds, SEGMENT_HEAD_BYTES } from '../captions/media-start.ts';
import { subtitlePlaylistText, subtitleSegmentText, timelineOfMediaPlaylist } from '../captions/subtitle-segments.ts';
import { getCaptionTrack } from '../captions/track-store.ts';
import { parseWebVtt } from '../captions/webvtt.ts';
import { listRenditions } from '../db/renditions.ts';
import type { Sql } from '../db/sql.ts';
import type { VideoState } from '../videos/states.ts';
import { cacheControlFor } from './cache-policy.ts';
import { noneMatchHits } from './http-conditional.ts';
import { isWellFormed, masterRenditions, publishedRenditions } from './master-playlist.ts';
import type { MediaTarget } from './media-path.ts';
import { readStoredObject } from './stored-object.ts';

export interface SubtitleServingDeps {
  sql: Sql;
  s3: S3Client;
  bucket: string;
  log: Logger;
  timeoutMs: number;
}

/** Reads a whole (small) object, or the first `bytes` of one; storage trouble becomes the gateway's 503/404. */
async function readBytes(deps: SubtitleServingDeps, key: string, what: string, bytes?: number): Promise<Buffer> {
  const stored = await readStoredObject(deps.s3, { bucket: deps.bucket, key, headOnly: false, range: bytes ? `bytes=0-${bytes - 1}` : null, ifNoneMatch: null, timeoutMs: deps.timeoutMs });
  if (stored.status === 404) throw new ApiError(404, `${what} is not stored (${key})`);
  if (stored.status === 503) throw new ApiError(503, `storage did not answer for ${what}: ${stored.cause}`, { code: 'storage_unavailable', headers: { 'Retry-After': '2' } });
  if (stored.status !== 200 && stored.status !== 206) throw new ApiError(500, `storage refused ${what} (${stored.status})`);
  const chunks: Buffer[] = [];
  for await (const chunk of stored.body as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `a/b/playlist.m3u8` + `seg_00001.m4s` → `a/b/seg_00001.m4s`; the playlist's URIs are the transcoder's plain names. */
function besidePlaylist(playlistKey: string, uri: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(uri) || uri.includes('..')) throw new ApiError(500, `the rendition playlist names "${uri.slice(0, 40)}", not a plain file beside it`);
  return `${playlistKey.slice(0, playlistKey.lastIndexOf('/') + 1)}${uri}`;
}

/**
 * `GET /media/{videoId}/{trackId}/playlist.m3u8` and `…/seg_NNNNN.vtt`: a caption track as HLS subtitles, cut
 * from its one stored WebVTT along the segments of the rendition the master offers now (the lowest; every rung
 * of a ladder cuts at the same instants). Cached as the video's own files are: immutable once READY.
 */
export async function serveSubtitles(c: Context, deps: SubtitleServingDeps, target: MediaTarget, state: VideoState): Promise<Response> {
  const trackId = target.key.split('/')[1]!;
  const track = await getCaptionTrack(deps.sql, target.videoId, trackId);
  if (!track) throw new ApiError(404, `video ${target.videoId} has no caption track ${trackId}`);

  const offered = masterRenditions(publishedRenditions(await listRenditions(deps.sql, target.videoId), new Date()), state).filter(isWellFormed);
  const rendition = [...offered].sort((a, b) => a.bandwidth - b.bandwidth || a.name.localeCompare(b.name))[0];
  if (!rendition) throw new ApiError(409, `video ${target.videoId} is ${state} and has no published rendition yet: retry once it is PLAYABLE`, { code: PLAYABILITY_CODE.gatewayNotReady, headers: { 'Retry-After': '2' } });
  const playlistText = (await readBytes(deps, rendition.playlistKey, `the ${rendition.name} playlist`)).toString('utf8');
  const read = timelineOfMediaPlaylist(playlistText);
  if (!read.ok) throw new ApiError(500, `video ${target.videoId}'s ${rendition.name} playlist cannot give subtitle segments: ${read.error}`);

  let text: string;
  if (target.kind === 'subtitle-playlist') {
    text = subtitlePlaylistText(read.timeline);
  } else {
    const number = target.segmentNumber!;
    if (number < 1 || number > read.timeline.durations.length) throw new ApiError(404, `caption track ${trackId} has ${read.timeline.durations.length} segments, not ${number}`);
    const { mapUri, firstSegmentUri } = read.timeline;
    if (!mapUri || !firstSegmentUri) throw new ApiError(500, `video ${target.videoId}'s ${rendition.name} playlist has no EXT-X-MAP: subtitles need an fMP4 rendition`);
    const [init, head, stored] = await Promise.all([
      readBytes(deps, besidePlaylist(rendition.playlistKey, mapUri), `the ${rendition.name} init segment`),
      readBytes(deps, besidePlaylist(rendition.playlistKey, firstSegmentUri), `the ${rendition.name} first segment`, SEGMENT_HEAD_BYTES),
      readBytes(deps, track.objectKey, `caption track ${trackId}`),
    ]);
    const start = mediaStartSeconds(init, head);
    if (!start.ok) throw new ApiError(500, `video ${target.videoId}'s ${rendition.name} media timeline is unreadable: ${start.error}`);
    const parsed = parseWebVtt(stored.toString('utf8'));
    if (!parsed.ok) throw new ApiError(500, `stored caption track ${trackId} does not parse at line ${parsed.line}: ${parsed.error}`);
    text = subtitleSegmentText(parsed.track, { ...read.timeline, mediaStartSeconds: start.seconds }, number)!;
  }

  const etag = `"s-${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
  const headers = { 'Content-Type': target.contentType, 'Cache-Control': cacheControlFor(target.kind, state), ETag: etag };
  if (noneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(text, 200, headers);
}
