// Splits a byte stream fed in arbitrary chunks into complete top-level boxes. Pure (no I/O); state is the unread tail.
import { readBoxHeader } from './box-header.ts';
import { ByteQueue } from './byte-queue.ts';
import type { Fmp4Error } from './fmp4-error.ts';

export interface TopLevelBox {
  type: string;
  /** The whole box, header included, in an array of its own. */
  bytes: Uint8Array;
  headerSize: 8 | 16;
  /** Where the box starts in the stream. */
  offset: number;
}

export interface BoxLimits {
  /** Largest `mdat` accepted: a bound on memory for one fragment's media (default 64 MiB). */
  maxMediaBoxBytes: number;
  /** Largest box of any other type (default 4 MiB; a moov or moof is a few KiB). */
  maxOtherBoxBytes: number;
}

export const defaultBoxLimits: BoxLimits = { maxMediaBoxBytes: 64 * 2 ** 20, maxOtherBoxBytes: 4 * 2 ** 20 };

export interface SplitResult {
  boxes: TopLevelBox[];
  /** Set once the stream is unreadable; every later push returns it again with no boxes. */
  error?: Fmp4Error;
}

export class TopLevelBoxSplitter {
  private readonly queue = new ByteQueue();
  /** Stream offset of the first held byte. */
  private offset = 0;
  private failure: Fmp4Error | undefined;

  constructor(private readonly limits: BoxLimits = defaultBoxLimits) {}

  /** Bytes held that do not yet make a whole box. */
  get pendingBytes(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): SplitResult {
    if (this.failure) return { boxes: [], error: this.failure };
    this.queue.push(chunk);
    const boxes: TopLevelBox[] = [];
    for (;;) {
      const head = this.queue.peek(16);
      const read = readBoxHeader(head, 0, head.byteLength);
      if (read.kind === 'need-more') break;
      if (read.kind === 'bad') return this.fail(boxes, { code: read.code, message: read.message, offset: this.offset });
      const { type, size, headerSize } = read.header;
      const limit = type === 'mdat' ? this.limits.maxMediaBoxBytes : this.limits.maxOtherBoxBytes;
      if (size > limit) {
        return this.fail(boxes, { code: 'box-too-large', message: `box "${type}" declares ${size} bytes, over the ${limit}-byte limit for it (corrupt size, or raise the limit)`, offset: this.offset });
      }
      if (this.queue.length < size) break;
      boxes.push({ type, bytes: this.queue.take(size), headerSize, offset: this.offset });
      this.offset += size;
    }
    return { boxes };
  }

  /** The stream ended: bytes left over are the start of a box that never completed. */
  end(): SplitResult {
    if (this.failure) return { boxes: [], error: this.failure };
    if (this.queue.length === 0) return { boxes: [] };
    return this.fail([], { code: 'truncated', message: `the stream ended ${this.queue.length} bytes into a box that never completed`, offset: this.offset + this.queue.length });
  }

  private fail(boxes: TopLevelBox[], error: Fmp4Error): SplitResult {
    this.failure = error;
    return { boxes, error };
  }
}
