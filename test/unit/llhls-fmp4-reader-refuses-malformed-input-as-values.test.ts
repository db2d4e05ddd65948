import { describe, expect, it } from 'vitest';
import type { Fmp4ErrorCode } from '../../origin/src/live/llhls/fmp4-error.ts';
import { Fmp4StreamReader } from '../../origin/src/live/llhls/fmp4-reader.ts';
import { box, concatBytes, fragment, fullBox, initSegment, SYNC, u32 } from './support/fmp4-writer.ts';
import { syntheticStream } from './support/synthetic-stream.ts';

const good = syntheticStream({ frames: 30, audio: false });
const init = good.init;
const moofOf = (frag: Uint8Array) => frag.subarray(0, new DataView(frag.buffer, frag.byteOffset).getUint32(0));

/** Feeds the bytes in one push, then ends; returns the first error and how many fragments came before it. */
function firstError(bytes: Uint8Array, limits?: ConstructorParameters<typeof Fmp4StreamReader>[0]) {
  const reader = new Fmp4StreamReader(limits);
  let fragments = 0;
  for (const result of [reader.push(bytes), reader.end()]) {
    fragments += result.events.filter((e) => e.kind === 'fragment').length;
    if (!result.ok) return { code: result.error.code, message: result.error.message, offset: result.error.offset, fragments };
  }
  return { code: null, message: '', offset: -1, fragments };
}

const cases: [string, Uint8Array, Fmp4ErrorCode, number][] = [
  ['text instead of MP4', new TextEncoder().encode('#EXTM3U\n#EXT-X-VERSION:7\n'), 'box-type-invalid', 0],
  ['a box smaller than its header', concatBytes([u32(4), new TextEncoder().encode('ftyp')]), 'box-size-invalid', 0],
  ['a size-0 (to end of file) box', concatBytes([u32(0), new TextEncoder().encode('mdat'), u32(1)]), 'box-size-invalid', 0],
  ['a 64-bit size below 16', concatBytes([u32(1), new TextEncoder().encode('mdat'), u32(0, 12)]), 'box-size-invalid', 0],
  ['fragments before any init', good.fragments[0]!, 'init-missing', 0],
  ['a moov before the ftyp', init.subarray(28), 'init-missing', 0],
  ['a moov that is not fragmented (no mvex)', concatBytes([box('ftyp', [u32(0)]), box('moov', [fullBox('mvhd', 0, 0, [new Uint8Array(96)])])]), 'init-invalid', 12],
  ['a second init in one stream', concatBytes([init, good.fragments[0]!, init]), 'init-repeated', init.byteLength + good.fragments[0]!.byteLength],
  ['an mdat with no moof', concatBytes([init, box('mdat', [u32(1)])]), 'mdat-without-moof', init.byteLength],
  ['two moofs in a row', concatBytes([init, moofOf(good.fragments[0]!), good.fragments[1]!]), 'fragment-invalid', init.byteLength + moofOf(good.fragments[0]!).byteLength],
  ['a traf for a track the init lacks', concatBytes([init, fragment(1, [{ trackId: 5, decodeTime: 0, sampleCount: 1, sampleSize: 1, defaultDuration: 1 }])]), 'fragment-invalid', init.byteLength],
  ['samples with no duration anywhere', concatBytes([initSegment([{ id: 1, handler: 'vide', timescale: 90000, trex: null }]), fragment(1, [{ trackId: 1, decodeTime: 0, sampleCount: 2, sampleSize: 1 }])]), 'fragment-invalid', -1],
  ['an mdat shorter than its samples', concatBytes([init, fragment(1, [{ trackId: 1, decodeTime: 0, sampleCount: 3, sampleSize: 100, defaultDuration: 512, firstSampleFlags: SYNC }], { mdatBytes: 299 })]), 'fragment-invalid', -1],
  ['a stream cut inside a fragment', concatBytes([init, good.fragments[0]!, good.fragments[1]!.subarray(0, 50)]), 'truncated', -1],
  ['a stream cut between moof and mdat', concatBytes([init, moofOf(good.fragments[0]!)]), 'truncated', init.byteLength],
  ['a stream that ends inside its init', init.subarray(0, init.byteLength - 1), 'truncated', -1],
];

describe('the fMP4 reader on malformed input', () => {
  it.each(cases.map(([name, bytes, code, offset]) => ({ name, bytes, code, offset })))('$name → $code, returned as a value', ({ bytes, code, offset }) => {
    const error = firstError(bytes);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
    if (offset >= 0) expect(error.offset).toBe(offset);
  });

  it('refuses a box over the size limit before buffering it', () => {
    const reader = new Fmp4StreamReader({ maxMediaBoxBytes: 1000, maxOtherBoxBytes: 4096 });
    // Only the header of a 1 GiB mdat arrives: the answer must not wait for (or hold) a gigabyte.
    const result = reader.push(concatBytes([init, good.fragments[0]!.subarray(0, moofOf(good.fragments[0]!).byteLength), u32(2 ** 30), new TextEncoder().encode('mdat')]));
    expect(result).toMatchObject({ ok: false, error: { code: 'box-too-large' } });
  });

  it('keeps the fragments completed before the error, and refuses everything after it with the same error', () => {
    const bytes = concatBytes([init, good.fragments[0]!, good.fragments[1]!, new TextEncoder().encode('garbage!')]);
    const reader = new Fmp4StreamReader();
    const result = reader.push(bytes);
    expect(result.ok).toBe(false);
    expect(result.events.map((e) => e.kind)).toEqual(['init', 'fragment', 'fragment']);
    const again = reader.push(good.fragments[2]!);
    expect(again).toEqual({ ok: false, events: [], error: !result.ok && result.error });
    expect(reader.end()).toEqual(again);
  });

  it('never throws, whatever bytes arrive', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 300; round++) {
      // Real streams with bytes flipped at random places, fed in random chunks.
      const bytes = good.bytes.slice(0, Math.floor(random() * good.bytes.byteLength) + 1);
      for (let flips = 0; flips < 3; flips++) bytes[Math.floor(random() * bytes.byteLength)] = Math.floor(random() * 256);
      const reader = new Fmp4StreamReader();
      expect(() => {
        for (let at = 0; at < bytes.byteLength; ) {
          const size = 1 + Math.floor(random() * 200);
          reader.push(bytes.subarray(at, at + size));
          at += size;
        }
        reader.end();
      }).not.toThrow();
    }
  });
});
