import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Server, type ServerOptions } from '@tus/server';
import type { Logger } from 'pino';
import { readBodiesDirectly } from './direct-body.ts';
import { isDroppedWrite, isStorageFull, UPLOAD_REFUSALS, type UploadRefusal } from './refusals.ts';
import { storageSpaceProbe } from './storage-space-probe.ts';
import type { UploadGate } from './upload-gate.ts';
import { StreamingS3Store } from './streaming-s3-store.ts';
import { answerHeaders, contentTypeRefusal, tusRequestOf } from './tus-request.ts';
import { newUploadId, ownerOfUpload } from './upload-ids.ts';

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0];

export interface TusUploadsOptions {
  /** Where the bytes go: a bucket on MinIO/S3 (path-style endpoint and credentials). */
  s3: S3ClientConfig;
  bucket: string;
  /** The route the server answers, e.g. `/v1/uploads`. */
  path: string;
  /** Largest Upload-Length accepted; larger → 413 before anything is stored. */
  maxSizeBytes: number;
  /** Unfinished uploads older than this are removed by `cleanUpExpired()` (0 = never). */
  expirationMs: number;
  /** S3 part size (default 8 MiB); a part is held in memory while it uploads. */
  partSizeBytes?: number;
  /** Part buffers held by all uploads together (default 16): memory stays at most this × the part size. */
  bufferSlots?: number;
  gate: UploadGate;
  log: Logger;
}

export interface TusUploads {
  /** Answers one TUS request (creation, creation-with-upload, PATCH, HEAD, OPTIONS, termination). */
  handle(request: Request): Promise<Response>;
  /** Removes unfinished uploads past their expiration; resolves with how many objects went. */
  cleanUpExpired(): Promise<number>;
  readonly expirationMs: number;
}

/** tus's hooks reject by throwing `{status_code, body}`. */
const reject = (refusal: UploadRefusal) => ({ status_code: refusal.status, body: refusal.message });

/**
 * TUS 1.0.0 (@tus/server) over our streaming S3 store (streaming-s3-store.ts). A creation URL carries a one-time grant
 * (`?grant=…`); the gate checks it before the size limit (so an unauthorised client learns
 * nothing), and uses it up only once the size is accepted.
 */
export function createTusUploads(options: TusUploadsOptions): TusUploads {
  const { gate, log, bucket } = options;
  const partSize = options.partSizeBytes ?? 8 * 1024 * 1024;
  const store = new StreamingS3Store({
    partSize,
    maxUploadBytes: options.maxSizeBytes,
    bufferSlots: options.bufferSlots,
    expirationPeriodInMilliseconds: options.expirationMs,
    s3ClientConfig: { ...options.s3, bucket },
  });
  const storageIsFull = storageSpaceProbe(options.s3, bucket, partSize);
  // The grant and owner found while naming the upload, for the creation hook of the same request.
  const creations = new WeakMap<TusRequest, { grant: string; owner: string }>();
  const stored = (uploadId: string, owner: string, size: number | undefined) => ({ uploadId, owner, bucket, key: uploadId, size });

  const server = new Server({
    path: options.path,
    datastore: store,
    maxSize: options.maxSizeBytes,
    respectForwardedHeaders: true,
    allowedHeaders: ['Upload-Checksum'],
    disableTerminationForFinishedUploads: true, // a finished upload is a transcoder input: read-only
    async namingFunction(req) {
      const grant = new URL(req.url).searchParams.get('grant');
      if (!grant) throw reject(UPLOAD_REFUSALS.noGrant());
      const answer = await gate.check(grant);
      if (!answer.ok) throw reject(answer.refusal);
      creations.set(req, { grant, owner: answer.value.owner });
      return newUploadId(answer.value.owner);
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method !== 'POST' && ownerOfUpload(uploadId) === null) throw reject(UPLOAD_REFUSALS.unknownUpload(uploadId));
    },
    async onUploadCreate(req, upload) {
      const creation = creations.get(req);
      if (!creation) throw reject(UPLOAD_REFUSALS.uncheckedCreation());
      const answer = await gate.claim(creation.grant, stored(upload.id, creation.owner, upload.size));
      if (!answer.ok) throw reject(answer.refusal);
      log.info({ event: 'upload_created', uploadId: upload.id, videoId: creation.owner, size: upload.size }, 'upload created');
      return {};
    },
    async onUploadFinish(_req, upload) {
      const owner = ownerOfUpload(upload.id)!;
      log.info({ event: 'upload_finished', uploadId: upload.id, videoId: owner, size: upload.size }, 'upload finished');
      await gate.finished({ ...stored(upload.id, owner, upload.size), size: upload.size ?? upload.offset });
      return {};
    },
    async onResponseError(req, error) {
      // A full MinIO is the operator's to fix, and the client's to wait out: a 507 saying so, not an opaque 500.
      // MinIO may cut a part's body off instead of answering: then a small write asks it why.
      if (isStorageFull(error) || (isDroppedWrite(error) && (await storageIsFull()))) {
        log.error({ event: 'upload_storage_full', method: req.method, url: req.url, err: error }, 'MinIO is out of space: upload refused with 507');
        return reject(UPLOAD_REFUSALS.storageFull());
      }
      if (!('status_code' in error) || error.status_code >= 500) log.error({ event: 'upload_error', err: error }, 'upload request failed');
      return undefined;
    },
  });

  readBodiesDirectly(server, store); // before any listener: tus wires listeners into the handlers it has

  server.on('POST_TERMINATE', (_req: unknown, _res: unknown, uploadId: string) => {
    const owner = ownerOfUpload(uploadId);
    if (!owner) return;
    log.info({ event: 'upload_terminated', uploadId, videoId: owner }, 'upload terminated by the client');
    gate.terminated({ uploadId, owner }).catch((error: unknown) => log.error({ event: 'upload_terminate_hook_failed', uploadId, err: error }, 'termination hook failed'));
  });

  return {
    async handle(request) {
      const refusal = contentTypeRefusal(request.method, request.headers.get('content-type'));
      // Tus-Resumable and the CORS origin as @tus/server sends them with its own refusals (a browser can read the status).
      if (refusal) return new Response(refusal.message, { status: refusal.status, headers: { 'Tus-Resumable': '1.0.0', 'Access-Control-Allow-Origin': '*' } });
      const response = await server.handleWeb(tusRequestOf(request));
      for (const [name, value] of Object.entries(answerHeaders(request.method))) response.headers.set(name, value);
      return response;
    },
    cleanUpExpired: () => server.cleanUpExpiredUploads(),
    expirationMs: options.expirationMs,
  };
}
