// A small fragmented-MP4 writer for tests: just the boxes and fields the LL-HLS reader looks at, laid out as FFmpeg does.

const encoder = new TextEncoder();

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => view.setUint32(i * 4, value >>> 0));
  return out;
}

export function u64(value: number): Uint8Array {
  return u32(Math.floor(value / 2 ** 32), value % 2 ** 32);
}

/** A box with a 32-bit size, or a 64-bit `largesize` when `large` is set. */
export function box(type: string, payload: readonly Uint8Array[] = [], large = false): Uint8Array {
  const body = concatBytes(payload);
  const header = large ? concatBytes([u32(1), encoder.encode(type), u64(16 + body.byteLength)]) : concatBytes([u32(8 + body.byteLength), encoder.encode(type)]);
  return concatBytes([header, body]);
}

export function fullBox(type: string, version: number, flags: number, payload: readonly Uint8Array[] = []): Uint8Array {
  return box(type, [u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...payload]);
}

export const SYNC = 0x0200_0000; // sample_depends_on = 2 (an I-frame), sync
export const NON_SYNC = 0x0101_0000; // depends on others, sample_is_non_sync_sample

export interface TrackSpec {
  id: number;
  handler: 'vide' | 'soun';
  timescale: number;
  /** trex defaults; zeros when absent, no trex box at all when null. */
  trex?: { duration: number; size: number; flags: number } | null;
  version?: 0 | 1;
}

export function initSegment(tracks: readonly TrackSpec[], options: { large?: boolean } = {}): Uint8Array {
  const traks = tracks.map((track) => {
    const v1 = track.version === 1;
    const tkhd = fullBox('tkhd', v1 ? 1 : 0, 3, v1 ? [u64(0), u64(0), u32(track.id), new Uint8Array(80)] : [u32(0, 0, track.id), new Uint8Array(72)]);
    const mdhd = fullBox('mdhd', v1 ? 1 : 0, 0, v1 ? [u64(0), u64(0), u32(track.timescale), u64(0), u32(0)] : [u32(0, 0, track.timescale, 0, 0)]);
    const hdlr = fullBox('hdlr', 0, 0, [u32(0), encoder.encode(track.handler), u32(0, 0, 0), new Uint8Array([0])]);
    const entry = box(track.handler === 'vide' ? 'avc1' : 'mp4a', [new Uint8Array(16)]);
    const stbl = box('stbl', [fullBox('stsd', 0, 0, [u32(1), entry])]);
    return box('trak', [tkhd, box('mdia', [mdhd, hdlr, box('minf', [stbl])])]);
  });
  const trexes = tracks.flatMap((track) => {
    if (track.trex === null) return [];
    const d = track.trex ?? { duration: 0, size: 0, flags: 0 };
    return [fullBox('trex', 0, 0, [u32(track.id, 1, d.duration, d.size, d.flags)])];
  });
  const ftyp = box('ftyp', [encoder.encode('isom'), u32(512), encoder.encode('isomiso6mp41')]);
  const moov = box('moov', [fullBox('mvhd', 0, 0, [new Uint8Array(96)]), ...traks, box('mvex', trexes)], options.large);
  return concatBytes([ftyp, moov]);
}

export interface RunSpec {
  trackId: number;
  decodeTime: number;
  sampleCount: number;
  sampleSize: number;
  /** Per-sample durations in trun; else `defaultDuration` in tfhd; else nothing (trex's). */
  durations?: number[];
  defaultDuration?: number;
  /** trun first_sample_flags; else per-sample flags; else `defaultFlags` in tfhd. */
  firstSampleFlags?: number;
  sampleFlags?: number[];
  defaultFlags?: number;
  tfdtVersion?: 0 | 1;
}

/** moof + mdat for one fragment; the mdat holds exactly the samples' bytes (filled with the sequence number). */
export function fragment(sequence: number, runs: readonly RunSpec[], options: { largeMdat?: boolean; mdatBytes?: number } = {}): Uint8Array {
  const trafs = runs.map((run) => {
    let tfhdFlags = 0x20000; // default-base-is-moof
    const tfhdFields = [u32(run.trackId)];
    if (run.defaultDuration !== undefined) {
      tfhdFlags |= 0x8;
      tfhdFields.push(u32(run.defaultDuration));
    }
    if (run.defaultFlags !== undefined) {
      tfhdFlags |= 0x20;
      tfhdFields.push(u32(run.defaultFlags));
    }
    const tfdt = run.tfdtVersion === 1 ? fullBox('tfdt', 1, 0, [u64(run.decodeTime)]) : fullBox('tfdt', 0, 0, [u32(run.decodeTime)]);
    let trunFlags = 0x1 | 0x200; // data offset, sample sizes
    if (run.firstSampleFlags !== undefined) trunFlags |= 0x4;
    if (run.durations) trunFlags |= 0x100;
    if (run.sampleFlags) trunFlags |= 0x400;
    const samples: Uint8Array[] = [];
    for (let i = 0; i < run.sampleCount; i++) {
      if (run.durations) samples.push(u32(run.durations[i]!));
      samples.push(u32(run.sampleSize));
      if (run.sampleFlags) samples.push(u32(run.sampleFlags[i]!));
    }
    const trunHead = [u32(run.sampleCount), u32(0), ...(run.firstSampleFlags !== undefined ? [u32(run.firstSampleFlags)] : [])];
    return box('traf', [fullBox('tfhd', 0, tfhdFlags, tfhdFields), tfdt, fullBox('trun', 0, trunFlags, [...trunHead, ...samples])]);
  });
  const moof = box('moof', [fullBox('mfhd', 0, 0, [u32(sequence)]), ...trafs]);
  const mediaBytes = options.mdatBytes ?? runs.reduce((n, run) => n + run.sampleCount * run.sampleSize, 0);
  return concatBytes([moof, box('mdat', [new Uint8Array(mediaBytes).fill(sequence & 0xff)], options.largeMdat)]);
}
