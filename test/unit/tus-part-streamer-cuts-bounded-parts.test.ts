import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BufferSlots } from '../../origin/src/uploads/buffer-slots.ts';
import { streamParts, type StreamPartsOptions } from '../../origin/src/uploads/part-streamer.ts';

/** The body in chunks of uneven sizes, as a socket delivers it. */
async function* chunked(data: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < data.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    yield data.subarray(at, at + size);
    at += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Records each part (a copy: the streamer owns its buffers) and how many uploads ran at once. */
function recorder(options: { delayMs?: number; failOn?: number } = {}) {
  const stored = new Map<number, Buffer>();
  let running = 0;
  let peak = 0;
  const uploadPart = async (number: number, body: Buffer) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
    running -= 1;
    if (number === options.failOn) throw new Error(`part ${number} refused`);
    stored.set(number, Buffer.from(body));
    return `"etag-${number}"`;
  };
  return { stored, uploadPart, peak: () => peak };
}

const base = (overrides: Partial<StreamPartsOptions> & Pick<StreamPartsOptions, 'source' | 'uploadPart'>): StreamPartsOptions => ({
  partSize: 1000,
  firstPartNumber: 1,
  maxInFlight: 2,
  slots: new BufferSlots(8),
  maxBytes: Number.POSITIVE_INFINITY,
  tooLarge: () => new Error('too large'),
  ...overrides,
});

describe('streamParts: a PATCH body cut into parts as it arrives', () => {
  it('stores exact parts numbered from the first free number, the tail of the last PATCH first, and returns the rest', async () => {
    const head = randomBytes(300);
    const body = randomBytes(2_450);
    const sink = recorder();
    const hash = createHash('sha1');
    const result = await streamParts(base({ source: chunked(body, [7, 333, 64, 1]), head, firstPartNumber: 4, hash, uploadPart: sink.uploadPart }));
    const all = Buffer.concat([head, body]);
    expect([...sink.stored.keys()].sort()).toEqual([4, 5]);
    expect(sink.stored.get(4)).toEqual(all.subarray(0, 1000));
    expect(sink.stored.get(5)).toEqual(all.subarray(1000, 2000));
    expect(result.parts).toEqual([
      { PartNumber: 4, Size: 1000, ETag: '"etag-4"' },
      { PartNumber: 5, Size: 1000, ETag: '"etag-5"' },
    ]);
    expect(result.rest).toEqual(all.subarray(2000));
    expect(result.received).toBe(body.length);
    expect(hash.digest()).toEqual(createHash('sha1').update(body).digest()); // the body only, not the stored tail
    result.release();
  });

  it('keeps at most maxInFlight uploads per PATCH and at most `slots` buffers across PATCHes', async () => {
    const slots = new BufferSlots(3);
    const sinks = [recorder({ delayMs: 5 }), recorder({ delayMs: 5 })];
    let lowest = slots.count;
    const watch = setInterval(() => (lowest = Math.min(lowest, slots.available)), 1);
    const results = await Promise.all(sinks.map((sink) => streamParts(base({ source: chunked(randomBytes(10_500), [250]), slots, uploadPart: sink.uploadPart }))));
    clearInterval(watch);
    for (const [i, sink] of sinks.entries()) {
      expect(sink.stored.size).toBe(10);
      expect(sink.peak()).toBeLessThanOrEqual(2);
      results[i]!.release();
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(slots.available).toBe(3); // every buffer came back
  });

  it('stops reading and throws when a part upload fails, giving every buffer back', async () => {
    const slots = new BufferSlots(4);
    const sink = recorder({ failOn: 2 });
    let delivered = 0;
    async function* counting() {
      for await (const chunk of chunked(randomBytes(20_000), [500])) {
        delivered += chunk.length;
        yield chunk;
      }
    }
    await expect(streamParts(base({ source: counting(), slots, uploadPart: sink.uploadPart }))).rejects.toThrow(/part 2 refused/);
    expect(delivered).toBeLessThan(20_000);
    expect(slots.available).toBe(4);
  });

  it('throws the too-large error when the body outgrows its limit', async () => {
    const sink = recorder();
    const tooLarge = { status_code: 413, body: 'too large' };
    await expect(streamParts(base({ source: chunked(randomBytes(1_500), [100]), maxBytes: 1_200, tooLarge: () => tooLarge, uploadPart: sink.uploadPart }))).rejects.toBe(tooLarge);
  });
});
