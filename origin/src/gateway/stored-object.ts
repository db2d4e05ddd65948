import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { signedReaderFromClient, type SignedObjectReader } from './signed-object-reads.ts';

export interface StoredObjectRequest {
  bucket: string;
  key: string;
  /** HEAD asks for the headers only (HeadObject), never the bytes. */
  headOnly: boolean;
  /** A single `bytes=…` range, already vetted (see singleByteRange). */
  range: string | null;
  /** One strong entity tag: storage answers 304 when it still matches. */
  ifNoneMatch: string | null;
  /** Upper bound for storage to answer with headers; the body then streams without a deadline. */
  timeoutMs: number;
}

export interface StoredObjectHeaders {
  etag?: string;
  lastModified?: Date;
  contentLength?: number;
  contentRange?: string;
}

/** Storage's answer in HTTP terms, S3's vocabulary left behind. */
export type StoredObject =
  | { status: 200 | 206; headers: StoredObjectHeaders; body: Readable | null }
  | { status: 304; headers: StoredObjectHeaders }
  | { status: 404 }
  | { status: 416; objectSize?: number }
  | { status: 503; cause: string }
  | { status: 500; cause: string };

interface S3ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  ActualObjectSize?: string | number;
  $metadata?: { httpStatusCode?: number };
}

/** Maps a failed S3 call to a status; anything that is not the object's own answer means storage is unwell. */
export function storedObjectFromError(error: unknown, timedOut: boolean): StoredObject {
  const e = (error ?? {}) as S3ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (timedOut || e.name === 'AbortError') return { status: 503, cause: 'no answer from storage in time' };
  if (status === 304 || e.name === 'NotModified') return { status: 304, headers: {} };
  if (status === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound') {
    // A missing bucket is a deployment fault, not a missing file.
    return e.name === 'NoSuchBucket' ? { status: 500, cause: 'the media bucket does not exist (run the stack once to create it)' } : { status: 404 };
  }
  if (status === 416 || e.name === 'InvalidRange') {
    const size = Number(e.ActualObjectSize);
    return Number.isFinite(size) ? { status: 416, objectSize: size } : { status: 416 };
  }
  if (status === undefined || status >= 500) return { status: 503, cause: e.code ?? e.name ?? e.message ?? 'unreachable' };
  return { status: 500, cause: `storage refused the read: ${e.name ?? status}` };
}

/**
 * How the gateway reads an object: 'signed' (the default) sends one SigV4-signed request on its own keep-alive
 * pool (signed-object-reads.ts); 'sdk' goes through the client's GetObjectCommand/HeadObjectCommand, kept for
 * clients that are not path-style MinIO and as the bench's comparison (bench/gateway-latency.ts).
 */
export type ObjectReads = 'signed' | 'sdk';

/** One signed reader per S3 client, made on the first read (the client's endpoint and credentials resolve then). */
const signedReaders = new WeakMap<S3Client, { reader: SignedObjectReader | null } | Promise<SignedObjectReader | null>>();

function signedReaderFor(s3: S3Client): { reader: SignedObjectReader | null } | Promise<SignedObjectReader | null> {
  let entry = signedReaders.get(s3);
  if (!entry) {
    const pending = signedReaderFromClient(s3).then(
      (reader) => {
        signedReaders.set(s3, { reader });
        return reader;
      },
      () => {
        // The client could not say its endpoint yet: this read goes through the SDK, which reports the cause,
        // and the next read asks again rather than leaving every read to the SDK for good.
        signedReaders.delete(s3);
        return null;
      },
    );
    signedReaders.set(s3, pending);
    entry = pending;
  }
  return entry;
}

/**
 * Reads one object from S3 (MinIO): headers within `timeoutMs` or a 503, then the body as a Node stream
 * (MinIO's HTTP response itself: no copy, no buffer) the caller must consume or destroy. Never throws.
 */
export async function readStoredObject(s3: S3Client, request: StoredObjectRequest, reads: ObjectReads = 'signed'): Promise<StoredObject> {
  if (reads === 'signed') {
    const entry = signedReaderFor(s3);
    // Once resolved, no await: the reader is used in the same tick.
    const reader = entry instanceof Promise ? await entry : entry.reader;
    if (reader) return reader.read(request);
  }
  return readStoredObjectWithSdk(s3, request);
}

/** The same read through the AWS SDK (GetObjectCommand/HeadObjectCommand), errors mapped by storedObjectFromError. */
export async function readStoredObjectWithSdk(s3: S3Client, request: StoredObjectRequest): Promise<StoredObject> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, request.timeoutMs);
  const input = {
    Bucket: request.bucket,
    Key: request.key,
    ...(request.range ? { Range: request.range } : {}),
    ...(request.ifNoneMatch ? { IfNoneMatch: request.ifNoneMatch } : {}),
  };
  try {
    const output = request.headOnly
      ? await s3.send(new HeadObjectCommand(input), { abortSignal: abort.signal })
      : await s3.send(new GetObjectCommand(input), { abortSignal: abort.signal });
    const headers: StoredObjectHeaders = {
      etag: output.ETag,
      lastModified: output.LastModified,
      contentLength: output.ContentLength,
      contentRange: output.ContentRange,
    };
    const status = output.ContentRange && request.range ? 206 : 200;
    // In Node the SDK's body is the HTTP response from MinIO itself (an IncomingMessage): no copy, no buffer.
    const body = 'Body' in output && output.Body ? (output.Body as Readable) : null;
    return { status, headers, body };
  } catch (error) {
    return storedObjectFromError(error, timedOut);
  } finally {
    // The deadline covers the answer, not the transfer: a long download must not be cut.
    clearTimeout(timer);
  }
}
