import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { ApiError } from '../api/errors.ts';
import type { VideoState } from '../videos/states.ts';
import { cacheControlFor } from './cache-policy.ts';
import { singleByteRange, singleEntityTag } from './http-conditional.ts';
import type { MediaTarget } from './media-path.ts';
import { readStoredObject, type ObjectReads, type StoredObjectHeaders } from './stored-object.ts';

export interface ObjectServingDeps {
  s3: S3Client;
  bucket: string;
  log: Logger;
  timeoutMs: number;
  /** 'signed' unless said otherwise (stored-object.ts). */
  reads?: ObjectReads;
}

function responseHeaders(target: MediaTarget, state: VideoState, stored: StoredObjectHeaders): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': target.contentType,
    'Cache-Control': cacheControlFor(target.kind, state),
    'Accept-Ranges': 'bytes',
  };
  if (stored.etag) headers.ETag = stored.etag;
  if (stored.lastModified) headers['Last-Modified'] = stored.lastModified.toUTCString();
  if (stored.contentLength !== undefined) headers['Content-Length'] = String(stored.contentLength);
  if (stored.contentRange) headers['Content-Range'] = stored.contentRange;
  return headers;
}

/**
 * Sends the body. Under @hono/node-server the MinIO response is piped straight into the client's socket
 * (Node streams, backpressure both ways, no web-stream bridge per chunk); elsewhere
 * it becomes a web ReadableStream. Either way a client that goes away destroys the storage socket.
 */
function streamBody(c: Context, status: number, headers: Record<string, string>, body: Readable, log: Logger, key: string): Response {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  if (!(outgoing instanceof ServerResponse)) return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status, headers });
  outgoing.writeHead(status, headers);
  // pipe() rather than pipeline(): pipeline allocates an AbortController + DOMException per response (~5 % CPU here).
  body.on('error', (error) => {
    log.warn({ event: 'media_stream_broken', key, err: error }, 'storage stream broke mid-response');
    outgoing.destroy(error);
  });
  outgoing.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(outgoing);
  return RESPONSE_ALREADY_SENT;
}

/** Streams one stored file of the media layout: Range → 206, If-None-Match → 304, HEAD without bytes. */
export async function serveStoredObject(c: Context, deps: ObjectServingDeps, target: MediaTarget, state: VideoState): Promise<Response> {
  const range = singleByteRange(c.req.header('Range'));
  const ifNoneMatch = singleEntityTag(c.req.header('If-None-Match'));
  const stored = await readStoredObject(deps.s3, { bucket: deps.bucket, key: target.key, headOnly: c.req.method === 'HEAD', range, ifNoneMatch, timeoutMs: deps.timeoutMs }, deps.reads);
  switch (stored.status) {
    case 200:
    case 206: {
      // HEAD with a Range: HeadObject may not echo Content-Range, so the answer stays a plain 200 of the whole.
      const status = stored.headers.contentRange ? stored.status : 200;
      const headers = responseHeaders(target, state, stored.headers);
      return stored.body ? streamBody(c, status, headers, stored.body, deps.log, target.key) : new Response(null, { status, headers });
    }
    case 304:
      return new Response(null, { status: 304, headers: { ETag: ifNoneMatch!, 'Cache-Control': cacheControlFor(target.kind, state) } });
    case 404:
      throw new ApiError(404, `no file ${target.key}`);
    case 416:
      throw new ApiError(416, `range ${range} is outside ${target.key}`, { headers: stored.objectSize === undefined ? {} : { 'Content-Range': `bytes */${stored.objectSize}` } });
    case 503:
      deps.log.warn({ event: 'media_storage_unavailable', videoId: target.videoId, key: target.key, cause: stored.cause }, 'media storage unavailable');
      throw new ApiError(503, `media storage (MinIO) is not answering (${stored.cause}); retry shortly — \`vora doctor\` checks it`, { code: 'storage_unavailable', headers: { 'Retry-After': '2' } });
    case 500:
      deps.log.error({ event: 'media_storage_error', videoId: target.videoId, key: target.key, cause: stored.cause }, 'media storage error');
      throw new ApiError(500, 'media storage refused the read; the origin log has the details');
  }
}
