// Chunks as they arrive from a socket, read back as whole boxes: each byte is copied once, when its box is complete.

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already taken. */
  private headOffset = 0;
  /** Bytes held and not yet taken. */
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.byteLength;
  }

  /** The first `count` held bytes (fewer if fewer are held), copied only when they span chunks. */
  peek(count: number): Uint8Array {
    const want = Math.min(count, this.length);
    const head = this.chunks[0];
    if (head && head.byteLength - this.headOffset >= want) return head.subarray(this.headOffset, this.headOffset + want);
    return this.copy(want, false);
  }

  /** Removes and returns the first `count` bytes as a new array of their own (callers may reuse their chunk buffers). */
  take(count: number): Uint8Array {
    if (count > this.length) throw new RangeError(`take(${count}) with only ${this.length} bytes held`);
    return this.copy(count, true);
  }

  private copy(count: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(count);
    let written = 0;
    let index = 0;
    let offset = this.headOffset;
    while (written < count) {
      const chunk = this.chunks[index]!;
      const n = Math.min(chunk.byteLength - offset, count - written);
      out.set(chunk.subarray(offset, offset + n), written);
      written += n;
      offset += n;
      if (offset === chunk.byteLength) {
        index++;
        offset = 0;
      }
    }
    if (consume) {
      this.chunks.splice(0, index);
      this.headOffset = offset;
      this.length -= count;
    }
    return out;
  }
}

/** Byte arrays end to end in one new array (the one array itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
