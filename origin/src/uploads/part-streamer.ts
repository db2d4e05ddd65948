import type { Hash } from 'node:crypto';
import type { BufferSlots } from './buffer-slots.ts';
import type { CountedPart } from './part-plan.ts';

export interface StreamPartsOptions {
  /** The PATCH body; its end (normal or a client gone, ended gracefully) ends the parts. */
  source: AsyncIterable<Buffer>;
  /** Bytes stored by the previous PATCH that were too few for a part (the `.part` tail): first in line. */
  head?: Buffer;
  partSize: number;
  firstPartNumber: number;
  /** Parts of this PATCH uploading at once. */
  maxInFlight: number;
  slots: BufferSlots;
  /** More body bytes than this is the client's error (thrown as `tooLarge()`). */
  maxBytes: number;
  tooLarge: () => unknown;
  /** Fed with the body bytes (not the head) for the checksum extension. */
  hash?: Hash;
  uploadPart(partNumber: number, body: Buffer): Promise<string>;
}

export interface StreamedParts {
  /** Parts written to S3 by this PATCH, in order. */
  parts: CountedPart[];
  /** Bytes received after the last whole part (head included if no part was cut). */
  rest: Buffer;
  /** Body bytes received (without the head). */
  received: number;
  /** Gives the buffer holding `rest` back to the store; call once `rest` is stored or dropped. */
  release(): void;
}

/**
 * Cuts a PATCH body into parts of `partSize` as it arrives and uploads each one from memory while
 * the next one fills — no temp file, no wait for the whole body. At most `maxInFlight` uploads per
 * PATCH and `slots` buffers per store, so memory stays bounded. On a failed part upload it stops
 * reading, lets the others settle, and throws; the parts that made it stay in S3.
 */
export async function streamParts(options: StreamPartsOptions): Promise<StreamedParts> {
  const { partSize, slots } = options;
  const parts: CountedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let nextNumber = options.firstPartNumber;
  let failure: { error: unknown } | undefined;
  let buffer: Buffer | undefined;
  let releaseBuffer = () => {};
  let filled = 0;
  let received = 0;

  const startBuffer = async () => {
    releaseBuffer = await slots.acquire();
    buffer = Buffer.allocUnsafeSlow(partSize);
    filled = 0;
  };
  const launch = () => {
    const body = buffer!;
    const release = releaseBuffer;
    const number = nextNumber++;
    const task = options
      .uploadPart(number, body)
      .then((etag) => void parts.push({ PartNumber: number, Size: body.length, ETag: etag }))
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        release();
        inFlight.delete(task);
      });
    inFlight.add(task);
    buffer = undefined;
    releaseBuffer = () => {};
  };
  const append = async (chunk: Buffer) => {
    for (let at = 0; at < chunk.length && !failure; ) {
      if (!buffer) {
        while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
        if (failure) return;
        await startBuffer();
      }
      const copied = chunk.copy(buffer!, filled, at);
      filled += copied;
      at += copied;
      if (filled === partSize) launch();
    }
  };

  try {
    if (options.head && options.head.length > 0) await append(options.head);
    for await (const chunk of options.source) {
      received += chunk.length;
      if (received > options.maxBytes) throw options.tooLarge();
      options.hash?.update(chunk);
      await append(chunk);
      if (failure) break;
    }
  } catch (error) {
    failure ??= { error };
  }
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  if (failure) {
    releaseBuffer();
    throw failure.error;
  }
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  const rest = buffer ? buffer.subarray(0, filled) : Buffer.alloc(0);
  return { parts, rest, received, release: buffer ? releaseBuffer : () => {} };
}
