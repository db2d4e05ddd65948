import type { S3Client } from '@aws-sdk/client-s3';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.ts';
import { ApiError, handleApiErrors } from '../api/errors.ts';
import { noStore } from './cache-policy.ts';
import { serveMaster } from './serve-master.ts';
import { serveStoredObject } from './serve-object.ts';
import type { ObjectReads } from './stored-object.ts';
import { serveSubtitles } from './serve-subtitles.ts';
import { parseMediaPath } from './media-path.ts';
import { pullAuth, type PullAuthOptions } from './pull-auth.ts';
import { serveStorageHealth } from './storage-health.ts';
import { cachedVideoStates, videoStatesFromDb } from './video-states.ts';

export interface GatewayDeps {
  sql: Sql;
  s3: S3Client;
  mediaBucket: string;
  log: Logger;
  /** Longest wait for storage to answer before a 503 (default 2000 ms): a dead MinIO never hangs a player. */
  storageTimeoutMs?: number;
  /** Who may pull: signed pulls (VORA_PULL_SECRET) and operators. Required, so no gateway is ever open by omission. */
  pulls: PullAuthOptions;
  /** How segments are read from storage: one signed request (default) or the SDK's GetObject (bench comparison). */
  objectReads?: ObjectReads;
}

/**
 * The streaming gateway, mounted at `/media`: `GET|HEAD /media/{videoId}/master.m3u8` is generated from
 * the DB; every other file of the media layout streams from the media bucket. Only signed pulls and
 * operators get in (pull-auth.ts).
 */
export function gatewayRoutes(deps: GatewayDeps): Hono {
  const app = new Hono();
  const videoState = cachedVideoStates(videoStatesFromDb(deps.sql));
  const storageTimeoutMs = deps.storageTimeoutMs ?? 2_000;

  // Before the door: the shield's health probe cannot sign, and the answer is only up or down.
  app.get('/healthz', (c) => serveStorageHealth(c, { s3: deps.s3, bucket: deps.mediaBucket, timeoutMs: Math.min(storageTimeoutMs, 1_000) }));

  // Private: every request proves itself before any path is looked at.
  app.use('*', pullAuth(deps.pulls));

  // Hono decodes params, so `..%2f` arrives as `../` and fails the name patterns like any other bad name.
  const handle = async (c: Context, segments: string[]) => {
    const parsed = parseMediaPath(segments);
    if (!parsed.ok) throw new ApiError(400, parsed.reason);
    const { target } = parsed;
    if (target.kind === 'master') return serveMaster(c, { sql: deps.sql, log: deps.log }, target);
    const state = await videoState(target.videoId);
    if (state === null || state === 'DELETED') throw new ApiError(404, `no video ${target.videoId}`);
    if (target.kind === 'subtitle-playlist' || target.kind === 'subtitle-segment') {
      return serveSubtitles(c, { sql: deps.sql, s3: deps.s3, bucket: deps.mediaBucket, log: deps.log, timeoutMs: storageTimeoutMs }, target, state);
    }
    return serveStoredObject(c, { s3: deps.s3, bucket: deps.mediaBucket, log: deps.log, timeoutMs: storageTimeoutMs, reads: deps.objectReads }, target, state);
  };

  // GET routes answer HEAD too (Hono dispatches HEAD to them and drops the body); the handlers avoid reading bytes for HEAD.
  app.get('/:videoId/:file', (c) => handle(c, [c.req.param('videoId'), c.req.param('file')]));
  app.get('/:videoId/:rendition/:file', (c) => handle(c, [c.req.param('videoId'), c.req.param('rendition'), c.req.param('file')]));
  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], '/*', (c) => {
    throw new ApiError(405, `${c.req.method} is not supported on media: use GET or HEAD`, { headers: { Allow: 'GET, HEAD' } });
  });
  app.all('/*', () => {
    throw new ApiError(400, 'media paths are /media/{videoId}/{file} or /media/{videoId}/{rendition}/{file}');
  });

  // Errors are never cached: a 404 for a segment being written must not outlive the write.
  app.onError(handleApiErrors(deps.log, { event: 'media_request_failed', headers: { 'Cache-Control': noStore } }));
  return app;
}
