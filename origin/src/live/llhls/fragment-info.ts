// Timing and independence of one `moof` (ISO/IEC 14496-12 §8.8): per track, decode time, duration, first-sample sync. Pure.
import { bodyView, childBoxes, readBoxHeader, type ChildBox } from './box-header.ts';
import { parsed, unreadable, type Parsed } from './fmp4-error.ts';
import type { TrackInfo } from './init-segment.ts';

export interface TrackRun {
  trackId: number;
  /** `tfdt` baseMediaDecodeTime, in the track's timescale. */
  decodeTime: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  sampleCount: number;
  /** Sum of the sample sizes: the bytes this track holds in the following mdat. */
  dataBytes: number;
  /** The first sample is a sync sample (sample_is_non_sync_sample clear): decoding can start here. */
  startsWithSync: boolean;
}

export interface MoofInfo {
  sequenceNumber: number;
  runs: TrackRun[];
}

const NON_SYNC = 0x0001_0000;
// tfhd flags
const BASE_DATA_OFFSET = 0x1, SAMPLE_DESCRIPTION_INDEX = 0x2, DEFAULT_DURATION = 0x8, DEFAULT_SIZE = 0x10, DEFAULT_FLAGS = 0x20;
// trun flags
const DATA_OFFSET = 0x1, FIRST_SAMPLE_FLAGS = 0x4, SAMPLE_DURATION = 0x100, SAMPLE_SIZE = 0x200, SAMPLE_FLAGS = 0x400, SAMPLE_CTO = 0x800;

interface TfhdDefaults {
  trackId: number;
  duration: number | null;
  size: number | null;
  flags: number | null;
}

function readTfhd(view: DataView): Parsed<TfhdDefaults> {
  const flags = view.getUint32(0) & 0xffffff;
  const fieldBytes = (flags & BASE_DATA_OFFSET ? 8 : 0) + [SAMPLE_DESCRIPTION_INDEX, DEFAULT_DURATION, DEFAULT_SIZE, DEFAULT_FLAGS].filter((f) => flags & f).length * 4;
  if (view.byteLength < 8 + fieldBytes) return unreadable(`tfhd is ${view.byteLength} bytes, too short for its flags 0x${flags.toString(16)}`);
  let at = 8 + (flags & BASE_DATA_OFFSET ? 8 : 0) + (flags & SAMPLE_DESCRIPTION_INDEX ? 4 : 0);
  const next = (flag: number): number | null => {
    if (!(flags & flag)) return null;
    const value = view.getUint32(at);
    at += 4;
    return value;
  };
  return parsed({ trackId: view.getUint32(4), duration: next(DEFAULT_DURATION), size: next(DEFAULT_SIZE), flags: next(DEFAULT_FLAGS) });
}

interface TrunTotals {
  sampleCount: number;
  duration: number;
  dataBytes: number;
  firstSampleFlags: number | null;
}

function readTrun(view: DataView, defaults: { duration: number | null; size: number | null; flags: number | null }): Parsed<TrunTotals> {
  if (view.byteLength < 8) return unreadable('trun is shorter than its 8-byte header fields');
  const flags = view.getUint32(0) & 0xffffff;
  const sampleCount = view.getUint32(4);
  let at = 8 + (flags & DATA_OFFSET ? 4 : 0);
  const firstFlagsField = flags & FIRST_SAMPLE_FLAGS ? at : -1;
  if (firstFlagsField >= 0) at += 4;
  const perSample = [SAMPLE_DURATION, SAMPLE_SIZE, SAMPLE_FLAGS, SAMPLE_CTO].filter((f) => flags & f).length * 4;
  if (view.byteLength < at + perSample * sampleCount) return unreadable(`trun declares ${sampleCount} samples but holds ${view.byteLength} bytes`);
  if (!(flags & SAMPLE_DURATION) && defaults.duration === null && sampleCount > 0) return unreadable('no sample duration in trun, tfhd or trex');
  if (!(flags & SAMPLE_SIZE) && defaults.size === null && sampleCount > 0) return unreadable('no sample size in trun, tfhd or trex');

  let duration = 0;
  let dataBytes = 0;
  let firstSampleFlags = firstFlagsField >= 0 ? view.getUint32(firstFlagsField) : null;
  for (let i = 0; i < sampleCount; i++) {
    duration += flags & SAMPLE_DURATION ? view.getUint32(at) : defaults.duration!;
    if (flags & SAMPLE_DURATION) at += 4;
    dataBytes += flags & SAMPLE_SIZE ? view.getUint32(at) : defaults.size!;
    if (flags & SAMPLE_SIZE) at += 4;
    if (flags & SAMPLE_FLAGS) {
      if (i === 0 && firstSampleFlags === null) firstSampleFlags = view.getUint32(at);
      at += 4;
    }
    if (flags & SAMPLE_CTO) at += 4;
  }
  return parsed({ sampleCount, duration, dataBytes, firstSampleFlags: firstSampleFlags ?? defaults.flags });
}

function readTraf(moof: Uint8Array, traf: ChildBox, tracks: readonly TrackInfo[]): Parsed<TrackRun> {
  const walked = childBoxes(moof, traf.bodyStart, traf.end);
  if (!walked.ok) return unreadable(`traf: ${walked.message}`);
  const tfhdBox = walked.boxes.find((box) => box.type === 'tfhd');
  if (!tfhdBox) return unreadable('a traf has no tfhd');
  const tfhd = readTfhd(bodyView(moof, tfhdBox));
  if (!tfhd.ok) return tfhd;
  const track = tracks.find((t) => t.trackId === tfhd.value.trackId);
  if (!track) return unreadable(`traf names track ${tfhd.value.trackId}, which the init segment does not declare`);

  const tfdtBox = walked.boxes.find((box) => box.type === 'tfdt');
  if (!tfdtBox) return unreadable(`track ${track.trackId}: traf has no tfdt (decode time)`);
  const tfdt = bodyView(moof, tfdtBox);
  const version = tfdt.byteLength >= 4 ? tfdt.getUint8(0) : -1;
  if (tfdt.byteLength < (version === 1 ? 12 : 8)) return unreadable(`track ${track.trackId}: tfdt is too short`);
  const high = version === 1 ? tfdt.getUint32(4) : 0;
  if (high >= 0x200000) return unreadable(`track ${track.trackId}: decode time is 2^53 ticks or more`);
  const decodeTime = version === 1 ? high * 2 ** 32 + tfdt.getUint32(8) : tfdt.getUint32(4);

  const defaults = {
    duration: tfhd.value.duration ?? track.defaultSampleDuration,
    size: tfhd.value.size ?? track.defaultSampleSize,
    flags: tfhd.value.flags ?? track.defaultSampleFlags,
  };
  const run: TrackRun = { trackId: track.trackId, decodeTime, duration: 0, sampleCount: 0, dataBytes: 0, startsWithSync: false };
  for (const trunBox of walked.boxes.filter((box) => box.type === 'trun')) {
    const trun = readTrun(bodyView(moof, trunBox), defaults);
    if (!trun.ok) return unreadable(`track ${track.trackId}: ${trun.message}`);
    // No flags anywhere reads as 0: a sync sample (what audio tracks usually rely on).
    if (run.sampleCount === 0 && trun.value.sampleCount > 0) run.startsWithSync = ((trun.value.firstSampleFlags ?? 0) & NON_SYNC) === 0;
    run.sampleCount += trun.value.sampleCount;
    run.duration += trun.value.duration;
    run.dataBytes += trun.value.dataBytes;
  }
  return parsed(run);
}

/** Reads a whole `moof` box (header included) against the tracks of its stream's init segment. */
export function parseMoof(moof: Uint8Array, tracks: readonly TrackInfo[]): Parsed<MoofInfo> {
  const header = readBoxHeader(moof, 0, moof.byteLength);
  if (header.kind !== 'header') return unreadable('moof has no readable header');
  const top = childBoxes(moof, header.header.headerSize, moof.byteLength);
  if (!top.ok) return unreadable(`moof: ${top.message}`);
  const mfhd = top.boxes.find((box) => box.type === 'mfhd');
  if (!mfhd || mfhd.end - mfhd.bodyStart < 8) return unreadable('moof has no complete mfhd');
  const runs: TrackRun[] = [];
  for (const traf of top.boxes.filter((box) => box.type === 'traf')) {
    const run = readTraf(moof, traf, tracks);
    if (!run.ok) return run;
    if (runs.some((r) => r.trackId === run.value.trackId)) return unreadable(`track ${run.value.trackId} has two traf boxes in one moof`);
    runs.push(run.value);
  }
  if (runs.length === 0) return unreadable('moof has no traf');
  return parsed({ sequenceNumber: bodyView(moof, mfhd).getUint32(4), runs });
}
