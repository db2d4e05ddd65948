import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { ApiError, handleApiErrors } from '../api/errors.ts';
import type { Sql } from '../db/sql.ts';
import { noStore } from '../gateway/cache-policy.ts';
import { serveStoredObject } from '../gateway/serve-object.ts';
import { pullAuth, type PullAuthOptions } from '../gateway/pull-auth.ts';
import { readStoredObject } from '../gateway/stored-object.ts';
import { getLiveInput } from './live-input-rows.ts';
import { parseLiveMediaPath } from './live-media-path.ts';
import { slidingWindow } from './sliding-window.ts';
import { serveLlhlsMedia, serveLlhlsPlaylist } from './llhls-gateway.ts';
import type { LlhlsRenditions } from './llhls-renditions.ts';

export interface LiveGatewayDeps {
  sql: Sql;
  s3: S3Client;
  mediaBucket: string;
  log: Logger;
  storageTimeoutMs?: number;
  /** Low-latency inputs' packagers: their playlists and parts are answered from memory (llhls-gateway.ts). */
  llhls?: LlhlsRenditions;
  /** Who may pull (../gateway/pull-auth.ts); the origin always passes it. Absent only in tests of the live path alone. */
  pulls?: PullAuthOptions;
}

/** Players poll live playlists every target duration; nodes may answer repeats for a second. */
export const livePlaylistCache = 'public, max-age=1';

const readAll = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The live half of the streaming gateway, mounted at `/media/live`: playlists from MinIO with `max-age=1`,
 * media playlists cut to a sliding window while live; segments and init segments immutable (written once).
 */
export function liveGatewayRoutes(deps: LiveGatewayDeps): Hono {
  const app = new Hono();
  const timeoutMs = deps.storageTimeoutMs ?? 2_000;
  const objects = { s3: deps.s3, bucket: deps.mediaBucket, log: deps.log, timeoutMs };

  if (deps.pulls) app.use('*', pullAuth(deps.pulls));

  const handle = async (c: Context, segments: string[]) => {
    const parsed = parseLiveMediaPath(segments);
    if (!parsed.ok) throw new ApiError(400, parsed.reason);
    const { target } = parsed;
    const input = await getLiveInput(deps.sql, target.inputId);
    if (!input) throw new ApiError(404, `no live input ${target.inputId}`);
    if (input.latency === 'low' && deps.llhls && segments.length === 4 && target.kind !== 'master') {
      const ids = { inputId: target.inputId, broadcast: Number(segments[1]!.slice(1)), rendition: segments[2]! };
      const fromMemory = target.kind === 'playlist' ? await serveLlhlsPlaylist(c, deps.llhls, ids) : await serveLlhlsMedia(c, deps.llhls, ids, segments[3]!);
      if (fromMemory) return fromMemory;
    }
    // Segments and init segments are written once: the 'READY' policy makes them immutable.
    if (target.kind !== 'master' && target.kind !== 'playlist') return serveStoredObject(c, objects, target, 'READY');

    const stored = await readStoredObject(deps.s3, { bucket: deps.mediaBucket, key: target.key, headOnly: false, range: null, ifNoneMatch: null, timeoutMs });
    if (stored.status === 404) throw new ApiError(404, `${target.key} does not exist yet: the broadcast has not started (or produced its first segment)`);
    if (stored.status !== 200 && stored.status !== 206) throw new ApiError(503, 'media storage (MinIO) is not answering; retry shortly', { code: 'storage_unavailable', headers: { 'Retry-After': '1' } });
    const text = await readAll(stored.body!);
    let body = text;
    if (target.kind === 'playlist') {
      const windowed = slidingWindow(text);
      if (!windowed.ok) {
        deps.log.error({ event: 'live_playlist_malformed', key: target.key, error: windowed.error }, 'stored live playlist does not parse');
        throw new ApiError(500, 'the stored live playlist is malformed; the origin log has the details');
      }
      body = windowed.text;
    }
    const headers = { 'Content-Type': target.contentType, 'Cache-Control': livePlaylistCache };
    return c.req.method === 'HEAD' ? new Response(null, { headers }) : new Response(body, { headers });
  };

  app.get('/:inputId/:file', (c) => handle(c, [c.req.param('inputId'), c.req.param('file')]));
  app.get('/:inputId/:broadcast/:rung/:file', (c) => handle(c, [c.req.param('inputId'), c.req.param('broadcast'), c.req.param('rung'), c.req.param('file')]));
  app.all('/*', () => {
    throw new ApiError(400, 'live media paths are /media/live/{inputId}/master.m3u8 or /media/live/{inputId}/b{n}/{rung}/{file}');
  });
  app.onError(handleApiErrors(deps.log, { event: 'live_media_request_failed', headers: { 'Cache-Control': noStore } }));
  return app;
}
