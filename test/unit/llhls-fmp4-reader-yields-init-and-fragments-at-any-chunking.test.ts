import { describe, expect, it } from 'vitest';
import { Fmp4StreamReader, type ReaderEvent } from '../../origin/src/live/llhls/fmp4-reader.ts';
import { box, concatBytes, fragment, initSegment, NON_SYNC, SYNC, u32 } from './support/fmp4-writer.ts';
import { syntheticStream, VIDEO_TIMESCALE } from './support/synthetic-stream.ts';

/** Feeds `bytes` cut at `cuts` (ascending offsets) and returns every event, failing on any error. */
function readInChunks(bytes: Uint8Array, cuts: number[]): ReaderEvent[] {
  const reader = new Fmp4StreamReader();
  const events: ReaderEvent[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.byteLength]) {
    const result = reader.push(bytes.subarray(from, to));
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    events.push(...result.events);
    from = to;
  }
  const end = reader.end();
  if (!end.ok) throw new Error(`${end.error.code}: ${end.error.message}`);
  return [...events, ...end.events];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** What a consumer sees of the events: kinds, bytes, timing and independence. */
const summary = (events: ReaderEvent[]) =>
  events.map((event) =>
    event.kind === 'init'
      ? { kind: 'init', bytes: hex(event.init.bytes), tracks: event.init.tracks, reference: event.init.referenceTrackId }
      : { kind: 'fragment', bytes: hex(event.fragment.bytes), seq: event.fragment.sequenceNumber, t: event.fragment.decodeTimeSeconds, d: event.fragment.durationSeconds, independent: event.fragment.independent },
  );

describe('the fMP4 reader', () => {
  const small = syntheticStream({ frames: 20, partFrames: 10 });

  it('gives the same init and fragments whichever byte the stream is cut at', () => {
    const whole = summary(readInChunks(small.bytes, []));
    expect(whole.map((e) => e.kind)).toEqual(['init', 'fragment', 'fragment']);
    const expected = JSON.stringify(whole);
    const differentAt: number[] = [];
    for (let cut = 1; cut < small.bytes.byteLength; cut++) {
      if (JSON.stringify(summary(readInChunks(small.bytes, [cut]))) !== expected) differentAt.push(cut);
    }
    expect(differentAt).toEqual([]);
  });

  it('gives the same result one byte at a time, and each fragment as soon as its last byte arrives', () => {
    const stream = syntheticStream({ frames: 90 });
    const reader = new Fmp4StreamReader();
    const completedAt: number[] = [];
    for (let i = 0; i < stream.bytes.byteLength; i++) {
      const result = reader.push(stream.bytes.subarray(i, i + 1));
      expect(result.ok).toBe(true);
      for (const event of result.events) if (event.kind === 'fragment') completedAt.push(i + 1);
    }
    // Fragment k is complete exactly when the init and fragments 0..k have arrived, not one byte later.
    let end = stream.init.byteLength;
    expect(completedAt).toEqual(stream.fragments.map((f) => (end += f.byteLength)));
    expect(summary(readInChunks(stream.bytes, []))).toHaveLength(stream.fragments.length + 1);
  });

  it('reads the init segment once: both tracks, their kinds, timescales and trex defaults', () => {
    const [init] = readInChunks(small.bytes, []);
    expect(init).toMatchObject({ kind: 'init', init: { referenceTrackId: 1, bytes: small.init } });
    expect(init?.kind === 'init' && init.init.tracks).toEqual([
      { trackId: 1, handler: 'vide', sampleEntry: 'avc1', timescale: 15360, defaultSampleDuration: 0, defaultSampleSize: 0, defaultSampleFlags: 0 },
      { trackId: 2, handler: 'soun', sampleEntry: 'mp4a', timescale: 48000, defaultSampleDuration: 1024, defaultSampleSize: 0, defaultSampleFlags: 0 },
    ]);
  });

  it('times each fragment by its video track: decode time from tfdt, duration from tfhd defaults, independence from first_sample_flags', () => {
    const stream = syntheticStream({ frames: 120, partFrames: 10, gopFrames: 60 });
    const fragments = readInChunks(stream.bytes, []).flatMap((e) => (e.kind === 'fragment' ? [e.fragment] : []));
    expect(fragments.map((f) => f.durationSeconds)).toEqual(stream.fragmentFrames.map((n) => (n * 512) / VIDEO_TIMESCALE));
    expect(fragments.map((f) => f.decodeTimeSeconds.toFixed(4))).toEqual(fragments.map((_, i) => ((i * 10) / 30).toFixed(4)));
    expect(fragments.map((f) => f.independent)).toEqual(fragments.map((_, i) => i % 6 === 0));
    expect(fragments[0]!.runs.map((r) => [r.trackId, r.sampleCount > 0])).toEqual([[1, true], [2, true]]);
  });

  it('takes durations from trun samples, then tfhd, then trex; sync from sample flags, then tfhd, then trex', () => {
    const init = initSegment([
      { id: 1, handler: 'vide', timescale: 1000, trex: { duration: 100, size: 0, flags: NON_SYNC } },
      { id: 7, handler: 'soun', timescale: 48000, trex: { duration: 1024, size: 0, flags: 0 } },
    ]);
    const fragments = [
      fragment(1, [{ trackId: 1, decodeTime: 0, sampleCount: 3, sampleSize: 5, durations: [10, 20, 30], sampleFlags: [SYNC, NON_SYNC, NON_SYNC] }]),
      fragment(2, [{ trackId: 1, decodeTime: 60, sampleCount: 3, sampleSize: 5, defaultDuration: 40, defaultFlags: SYNC }]),
      fragment(3, [{ trackId: 1, decodeTime: 180, sampleCount: 2, sampleSize: 5 }, { trackId: 7, decodeTime: 8640, sampleCount: 4, sampleSize: 3 }]),
      fragment(4, [{ trackId: 7, decodeTime: 12736, sampleCount: 4, sampleSize: 3 }]),
    ];
    const read = readInChunks(concatBytes([init, ...fragments]), []).flatMap((e) => (e.kind === 'fragment' ? [e.fragment] : []));
    expect(read.map((f) => [f.decodeTimeSeconds, f.durationSeconds, f.independent])).toEqual([
      [0, 0.06, true],
      [0.06, 0.12, true],
      [0.18, 0.2, false], // trex says non-sync
      [12736 / 48000, 4096 / 48000, false], // no video run: timed by audio, never independent
    ]);
  });

  it('reads 64-bit box sizes, 64-bit decode times and version-1 headers', () => {
    const init = initSegment([{ id: 1, handler: 'vide', timescale: 90000, version: 1, trex: { duration: 3000, size: 10, flags: NON_SYNC } }], { large: true });
    const late = 2 ** 40; // hours of wall-clock timestamps in 90 kHz ticks, beyond 32 bits
    const frag = fragment(9, [{ trackId: 1, decodeTime: late, sampleCount: 2, sampleSize: 10, firstSampleFlags: SYNC, tfdtVersion: 1 }], { largeMdat: true });
    const events = readInChunks(concatBytes([init, frag]), [3, 20, 41]);
    expect(events[0]).toMatchObject({ kind: 'init', init: { tracks: [{ trackId: 1, timescale: 90000 }] } });
    expect(events[1]).toMatchObject({ kind: 'fragment', fragment: { sequenceNumber: 9, decodeTimeSeconds: late / 90000, durationSeconds: 6000 / 90000, independent: true } });
  });

  it('keeps styp/prft/emsg before a moof in that fragment, and skips free, mfra and unknown boxes', () => {
    const stream = syntheticStream({ frames: 20, audio: false });
    const prft = box('prft', [u32(0, 1, 2, 3)]);
    const bytes = concatBytes([stream.init, box('free'), prft, stream.fragments[0]!, box('zzzz', [u32(1)]), stream.fragments[1]!, box('mfra', [u32(0)])]);
    const fragments = readInChunks(bytes, []).flatMap((e) => (e.kind === 'fragment' ? [e.fragment] : []));
    expect(fragments.map((f) => f.bytes)).toEqual([concatBytes([prft, stream.fragments[0]!]), stream.fragments[1]]);
    expect(fragments[0]!.offset).toBe(stream.init.byteLength + 8);
  });
});
