// One fragmented-MP4 stream (one FFmpeg output, one HTTP PUT) in, its init segment and each fragment out as soon as complete.
import { concatBytes } from './byte-queue.ts';
import type { Fmp4Error } from './fmp4-error.ts';
import { parseMoof, type TrackRun } from './fragment-info.ts';
import { parseMoov, referenceTrack, type TrackInfo } from './init-segment.ts';
import { defaultBoxLimits, TopLevelBoxSplitter, type BoxLimits, type TopLevelBox } from './top-level-boxes.ts';

export interface InitSegment {
  /** `ftyp` + `moov`, what EXT-X-MAP points at. */
  bytes: Uint8Array;
  tracks: TrackInfo[];
  /** The track whose timing is the fragment's (the first video track, else the first track). */
  referenceTrackId: number;
}

export interface Fragment {
  /** `moof` + `mdat`, with any `styp`/`prft`/`emsg`/`sidx` that came just before: one LL-HLS part. */
  bytes: Uint8Array;
  sequenceNumber: number;
  runs: TrackRun[];
  /** Of the reference track, in seconds. */
  decodeTimeSeconds: number;
  durationSeconds: number;
  /** Every track present starts with a sync sample, and the reference track is present. */
  independent: boolean;
  /** Where the fragment starts in the stream. */
  offset: number;
}

export type ReaderEvent = { kind: 'init'; init: InitSegment } | { kind: 'fragment'; fragment: Fragment };

/** Events complete before any error are kept; after an error the reader refuses everything with that error. */
export type ReadResult = { ok: true; events: ReaderEvent[] } | { ok: false; events: ReaderEvent[]; error: Fmp4Error };

// Boxes that belong to the fragment after them; boxes that carry nothing a part needs (mfra is FFmpeg's trailer).
const FRAGMENT_PREFIX = new Set(['styp', 'prft', 'emsg', 'sidx']);
const IGNORED = new Set(['free', 'skip', 'mfra', 'mfro', 'uuid', 'meta', 'udta']);

export class Fmp4StreamReader {
  private readonly splitter: TopLevelBoxSplitter;
  private ftyp: TopLevelBox | null = null;
  private init: InitSegment | null = null;
  private prefix: TopLevelBox[] = [];
  private moof: { box: TopLevelBox; runs: TrackRun[]; sequenceNumber: number } | null = null;
  private failure: Fmp4Error | null = null;

  constructor(limits: BoxLimits = defaultBoxLimits) {
    this.splitter = new TopLevelBoxSplitter(limits);
  }

  push(chunk: Uint8Array): ReadResult {
    if (this.failure) return { ok: false, events: [], error: this.failure };
    const split = this.splitter.push(chunk);
    return this.handle(split.boxes, split.error);
  }

  /** The stream ended (the PUT finished or the connection dropped): anything left half-written is an error. */
  end(): ReadResult {
    if (this.failure) return { ok: false, events: [], error: this.failure };
    const split = this.splitter.end();
    const result = this.handle(split.boxes, split.error);
    if (!result.ok) return result;
    if (this.moof) return this.fail(result.events, { code: 'truncated', message: 'the stream ended after a moof whose mdat never came', offset: this.moof.box.offset });
    if (!this.init) return this.fail(result.events, { code: 'truncated', message: 'the stream ended before its init segment (ftyp + moov) was complete', offset: this.ftyp?.offset ?? 0 });
    return result;
  }

  private handle(boxes: TopLevelBox[], splitError: Fmp4Error | undefined): ReadResult {
    const events: ReaderEvent[] = [];
    for (const box of boxes) {
      const error = this.accept(box, events);
      if (error) return this.fail(events, error);
    }
    return splitError ? this.fail(events, splitError) : { ok: true, events };
  }

  private accept(box: TopLevelBox, events: ReaderEvent[]): Fmp4Error | null {
    const at = (code: Fmp4Error['code'], message: string): Fmp4Error => ({ code, message, offset: box.offset });
    if (IGNORED.has(box.type)) return null;
    if (!this.init) {
      if (box.type === 'ftyp' && !this.ftyp) {
        this.ftyp = box;
        return null;
      }
      if (box.type === 'moov' && this.ftyp) {
        const tracks = parseMoov(box.bytes);
        if (!tracks.ok) return at('init-invalid', tracks.message);
        this.init = { bytes: concatBytes([this.ftyp.bytes, box.bytes]), tracks: tracks.value, referenceTrackId: referenceTrack(tracks.value).trackId };
        events.push({ kind: 'init', init: this.init });
        return null;
      }
      return at('init-missing', `expected ${this.ftyp ? 'moov' : 'ftyp'} but got "${box.type}": a stream must start with ftyp + moov (FFmpeg: -f mp4 -movflags +empty_moov)`);
    }
    if (box.type === 'ftyp' || box.type === 'moov') return at('init-repeated', `a second "${box.type}" in one stream: each new encoder output must arrive as a new stream`);
    if (FRAGMENT_PREFIX.has(box.type)) {
      this.prefix.push(box);
      return null;
    }
    if (box.type === 'moof') {
      if (this.moof) return at('fragment-invalid', 'a moof followed a moof without the mdat of the first');
      const info = parseMoof(box.bytes, this.init.tracks);
      if (!info.ok) return at('fragment-invalid', info.message);
      this.moof = { box, runs: info.value.runs, sequenceNumber: info.value.sequenceNumber };
      return null;
    }
    if (box.type === 'mdat') {
      if (!this.moof) return at('mdat-without-moof', 'an mdat came without a moof before it');
      const payload = box.bytes.byteLength - box.headerSize;
      const needed = this.moof.runs.reduce((n, run) => n + run.dataBytes, 0);
      if (needed > payload) return at('fragment-invalid', `the moof's samples need ${needed} bytes but the mdat holds ${payload}`);
      events.push({ kind: 'fragment', fragment: this.fragment(box) });
      this.moof = null;
      this.prefix = [];
      return null;
    }
    return null; // Unknown top-level boxes are skipped, as ISO-BMFF readers must.
  }

  private fragment(mdat: TopLevelBox): Fragment {
    const { box: moof, runs, sequenceNumber } = this.moof!;
    const init = this.init!;
    const reference = runs.find((run) => run.trackId === init.referenceTrackId);
    const timing = reference ?? runs[0]!;
    const timescale = init.tracks.find((track) => track.trackId === timing.trackId)!.timescale;
    const withSamples = runs.filter((run) => run.sampleCount > 0);
    return {
      bytes: concatBytes([...this.prefix.map((box) => box.bytes), moof.bytes, mdat.bytes]),
      sequenceNumber,
      runs,
      decodeTimeSeconds: timing.decodeTime / timescale,
      durationSeconds: timing.duration / timescale,
      independent: reference !== undefined && reference.sampleCount > 0 && withSamples.every((run) => run.startsWithSync),
      offset: this.prefix[0]?.offset ?? moof.offset,
    };
  }

  private fail(events: ReaderEvent[], error: Fmp4Error): ReadResult {
    this.failure = error;
    return { ok: false, events, error };
  }
}
