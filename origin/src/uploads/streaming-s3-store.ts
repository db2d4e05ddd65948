import type { Readable } from 'node:stream';
import { S3Store, type MetadataValue, type Options } from '@tus/s3-store';
import { ERRORS, Upload } from '@tus/server';
import { BufferSlots } from './buffer-slots.ts';
import { checksumHash, checksumMismatch, type ExpectedChecksum } from './checksum.ts';
import { countedParts, partSizeFor, placeRemainder, sumOfSizes, voidFromAfter, type CountedPart } from './part-plan.ts';
import { streamParts, type StreamedParts } from './part-streamer.ts';
import { sendPartsUnsigned } from './unsigned-part-payload.ts';

export interface StreamingS3StoreOptions extends Options {
  /** Largest upload accepted: sizes the parts of an upload whose length is deferred. */
  maxUploadBytes: number;
  /** Parts of one PATCH uploading to S3 at once (default 4, as the bench's direct multipart). */
  partsInFlightPerPatch?: number;
  /** Part buffers the whole store may hold (default 16, i.e. 128 MiB at 8 MiB parts). */
  bufferSlots?: number;
}

export interface ChunkOptions {
  /** The PATCH's `Upload-Checksum`: a body that does not match it is discarded (460). */
  checksum?: ExpectedChecksum;
  /** More body bytes than this answers 413 (the PATCH's Content-Length or what is left of the upload). */
  maxBytes?: number;
}

/** Where `.info` keeps the part number from which stored parts do not count (see part-plan.ts). */
type MarkedStorage = NonNullable<Upload['storage']> & { voidFromPart?: number };

const MISSING_UPLOAD = new Set(['NoSuchKey', 'NoSuchUpload']);
const isMissingUpload = (error: unknown) => {
  const { name, Code } = (error ?? {}) as { name?: string; Code?: string };
  return MISSING_UPLOAD.has(name ?? '') || MISSING_UPLOAD.has(Code ?? '');
};

export const checksumMismatchError = (body: string) => ({ status_code: 460, body });

/**
 * @tus/s3-store with the write path replaced: a PATCH body is cut into parts as it arrives and each
 * part goes to S3 `UploadPart` from memory while the next fills (bounded per PATCH and per store),
 * instead of spooling every part to a temp file and re-reading it, and without waiting for the
 * whole PATCH before the first part leaves. Only the < 5 MiB tail of a PATCH waits in the
 * `{id}.part` object, as before. Also: the checksum extension, and termination that removes the tail.
 *
 * Offset = the unbroken run of parts 1, 2, 3… (below `voidFromPart` when set) + the tail. A PATCH
 * that carries a checksum, or that overwrites parts left by a discarded or failed one, first marks
 * its parts as not counting, and moves the mark past them only once they are verified and stored:
 * whatever is cut or crashes midway, the offset never claims bytes that are not in order in S3.
 */
export class StreamingS3Store extends S3Store {
  private readonly slots: BufferSlots;
  private readonly partsInFlight: number;
  private readonly maxUploadBytes: number;

  constructor(options: StreamingS3StoreOptions) {
    super(options);
    this.extensions = [...this.extensions, 'checksum'];
    this.slots = new BufferSlots(options.bufferSlots ?? 16);
    this.partsInFlight = options.partsInFlightPerPatch ?? 4;
    this.maxUploadBytes = options.maxUploadBytes;
    sendPartsUnsigned(this.client);
  }

  override write(src: Readable, id: string, offset: number): Promise<number> {
    return this.writeChunk(src, id, offset);
  }

  /** One PATCH body at `offset`; resolves with the new offset, or throws 460 and keeps the old one. */
  async writeChunk(body: AsyncIterable<Buffer>, id: string, offset: number, options: ChunkOptions = {}): Promise<number> {
    const metadata = await this.getMetadata(id);
    const listed = await this.retrieveParts(id);
    const counted = countedParts(listed, this.voidFromPart(metadata));
    const firstPartNumber = counted.length + 1;
    if (options.checksum || voidFromAfter(listed, firstPartNumber) !== undefined) await this.markVoidFrom(metadata, firstPartNumber);
    const head = await this.takeTail(id);
    const hash = checksumHash(options.checksum);

    let streamed: StreamedParts;
    try {
      streamed = await streamParts({
        source: body,
        head,
        partSize: partSizeFor(metadata.file.size ?? this.maxUploadBytes, { preferred: this.preferredPartSize, min: this.minPartSize, maxParts: this.maxMultipartParts }),
        firstPartNumber,
        maxInFlight: this.partsInFlight,
        slots: this.slots,
        maxBytes: options.maxBytes ?? Number.POSITIVE_INFINITY,
        tooLarge: () => ERRORS.ERR_SIZE_EXCEEDED,
        hash,
        uploadPart: (number, part) => this.uploadPart(metadata, part, number),
      });
    } catch (error) {
      await this.restoreTailAfterFailure(id, head, firstPartNumber, this.voidFromPart(metadata) === firstPartNumber);
      throw error;
    }

    try {
      if (options.checksum) {
        const mismatch = checksumMismatch(options.checksum, hash!.digest(), streamed.received, offset);
        if (mismatch) {
          if (head) await this.putTail(id, head); // the mark (set above) voids this PATCH's parts
          throw checksumMismatchError(mismatch);
        }
      }
      const newOffset = offset + streamed.received;
      const final = metadata.file.size === newOffset;
      const parts: CountedPart[] = [...counted, ...streamed.parts];
      const place = placeRemainder(streamed.rest.length, final, this.minPartSize, parts.length);
      if (place === 'last-part' || place === 'part') {
        const number = parts.length + 1;
        parts.push({ PartNumber: number, Size: streamed.rest.length, ETag: await this.uploadPart(metadata, streamed.rest, number) });
      }
      // Parts first, then the mark, then the tail: at every step the offset names bytes that are in order.
      await this.markVoidFrom(metadata, voidFromAfter(listed, parts.length + 1));
      if (place === 'tail') await this.putTail(id, streamed.rest);
      if (final) {
        await this.finishMultipartUpload(metadata, parts);
        await this.completeMetadata(metadata.file);
        await this.clearCache(id);
      }
      return newOffset;
    } finally {
      streamed.release();
    }
  }

  override async getUpload(id: string): Promise<Upload> {
    let metadata: MetadataValue;
    try {
      metadata = await this.getMetadata(id);
    } catch {
      throw ERRORS.FILE_NOT_FOUND;
    }
    const { file } = metadata;
    let listed;
    try {
      listed = await this.retrieveParts(id);
    } catch (error) {
      // The multipart upload is gone while its .info stays: it was completed.
      if (isMissingUpload(error)) return new Upload({ ...file, offset: file.size ?? 0, size: file.size, metadata: file.metadata, storage: file.storage });
      throw error;
    }
    const tail = (await this.getIncompletePartSize(id)) ?? 0;
    const offset = sumOfSizes(countedParts(listed, this.voidFromPart(metadata))) + tail;
    return new Upload({ ...file, offset, size: file.size, storage: file.storage });
  }

  /** Termination: the multipart upload is aborted (its parts freed) and `.info` and the tail removed. */
  override async remove(id: string): Promise<void> {
    await super.remove(id);
    await this.deleteIncompletePart(id);
  }

  private voidFromPart(metadata: MetadataValue): number | undefined {
    return (metadata.file.storage as MarkedStorage | undefined)?.voidFromPart;
  }

  /** Records in `.info` from which part number stored parts do not count (undefined: all count). */
  private async markVoidFrom(metadata: MetadataValue, partNumber: number | undefined): Promise<void> {
    if (this.voidFromPart(metadata) === partNumber) return;
    const storage = { ...(metadata.file.storage ?? { type: 's3', path: metadata.file.id }) } as MarkedStorage;
    if (partNumber === undefined) delete storage.voidFromPart;
    else storage.voidFromPart = partNumber;
    metadata.file.storage = storage;
    await this.saveMetadata(metadata.file, metadata['upload-id']);
  }

  /** Reads the previous PATCH's tail into memory (< 5 MiB) and deletes it, as @tus/s3-store does. */
  private async takeTail(id: string): Promise<Buffer | undefined> {
    const stream = await this.getIncompletePart(id);
    if (!stream) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    await this.deleteIncompletePart(id);
    return Buffer.concat(chunks);
  }

  private async putTail(id: string, bytes: Buffer): Promise<void> {
    await this.client.putObject({ Bucket: this.bucket, Key: this.partKey(id, true), Body: bytes, Tagging: this.useCompleteTag('false') });
  }

  /**
   * A PATCH failed (S3 error, too many bytes): puts the old tail back when none of this PATCH's
   * parts counts — either the mark voids them, or the first one (which held the tail) never landed.
   */
  private async restoreTailAfterFailure(id: string, head: Buffer | undefined, firstPartNumber: number, marked: boolean): Promise<void> {
    if (!head) return;
    try {
      const landed = marked ? false : (await this.retrieveParts(id)).some((part) => part.PartNumber === firstPartNumber);
      if (!landed) await this.putTail(id, head);
    } catch {
      // S3 is failing: the tail's bytes are lost, and the offset (without them) stays true.
    }
  }
}
