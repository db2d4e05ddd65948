// What the packager needs from a fragmented MP4's `moov`: each track's id, kind, timescale and fragment defaults. Pure.
import { bodyView, childBoxes, readBoxHeader, type ChildBox } from './box-header.ts';
import { parsed, unreadable, type Parsed } from './fmp4-error.ts';

export interface TrackInfo {
  trackId: number;
  /** `hdlr` handler type: `vide`, `soun`, `subt`… */
  handler: string;
  /** Sample entry of the first `stsd` entry: `avc1`, `hvc1`, `mp4a`… (empty if absent). */
  sampleEntry: string;
  /** Ticks per second of the track's media time (`mdhd`). */
  timescale: number;
  /** `trex` defaults, used when neither `tfhd` nor `trun` carries the field. */
  defaultSampleDuration: number | null;
  defaultSampleSize: number | null;
  defaultSampleFlags: number | null;
}

const find = (boxes: ChildBox[], type: string) => boxes.find((box) => box.type === type);

function children(bytes: Uint8Array, box: ChildBox | undefined, what: string): Parsed<ChildBox[]> {
  if (!box) return unreadable(`${what} is missing`);
  const walked = childBoxes(bytes, box.bodyStart, box.end);
  return walked.ok ? parsed(walked.boxes) : unreadable(`${what}: ${walked.message}`);
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function parseTrak(bytes: Uint8Array, trak: ChildBox): Parsed<Omit<TrackInfo, 'defaultSampleDuration' | 'defaultSampleSize' | 'defaultSampleFlags'>> {
  const trakChildren = children(bytes, trak, 'trak');
  if (!trakChildren.ok) return trakChildren;
  const tkhd = find(trakChildren.value, 'tkhd');
  if (!tkhd || tkhd.end - tkhd.bodyStart < 24) return unreadable('a trak has no complete tkhd');
  const tkhdView = bodyView(bytes, tkhd);
  const trackId = tkhdView.getUint32(tkhdView.getUint8(0) === 1 ? 20 : 12);

  const mdia = children(bytes, find(trakChildren.value, 'mdia'), `track ${trackId}: mdia`);
  if (!mdia.ok) return mdia;
  const mdhd = find(mdia.value, 'mdhd');
  if (!mdhd || mdhd.end - mdhd.bodyStart < 24) return unreadable(`track ${trackId} has no complete mdhd`);
  const mdhdView = bodyView(bytes, mdhd);
  const timescale = mdhdView.getUint32(mdhdView.getUint8(0) === 1 ? 20 : 12);
  if (timescale === 0) return unreadable(`track ${trackId} has timescale 0`);
  const hdlr = find(mdia.value, 'hdlr');
  if (!hdlr || hdlr.end - hdlr.bodyStart < 12) return unreadable(`track ${trackId} has no complete hdlr`);
  const handler = fourcc(bytes, hdlr.bodyStart + 8);

  // The sample entry is informative (logs, CODECS); a track without one is still cut by its timing.
  let sampleEntry = '';
  const minf = children(bytes, find(mdia.value, 'minf'), 'minf');
  const stbl = minf.ok ? children(bytes, find(minf.value, 'stbl'), 'stbl') : minf;
  const stsd = stbl.ok ? find(stbl.value, 'stsd') : undefined;
  if (stsd && stsd.end - stsd.bodyStart >= 16) sampleEntry = fourcc(bytes, stsd.bodyStart + 12);
  return parsed({ trackId, handler, sampleEntry, timescale });
}

/** The tracks of a `moov` box (given whole, header included). A moov without `mvex` is not fragmented MP4. */
export function parseMoov(moov: Uint8Array): Parsed<TrackInfo[]> {
  const header = readBoxHeader(moov, 0, moov.byteLength);
  if (header.kind !== 'header') return unreadable('moov has no readable header');
  const top = childBoxes(moov, header.header.headerSize, moov.byteLength);
  if (!top.ok) return unreadable(`moov: ${top.message}`);
  const mvex = find(top.boxes, 'mvex');
  if (!mvex) return unreadable('moov has no mvex: the stream is not fragmented (FFmpeg: -movflags +frag_keyframe+empty_moov)');
  const mvexChildren = children(moov, mvex, 'mvex');
  if (!mvexChildren.ok) return mvexChildren;

  const defaults = new Map<number, Pick<TrackInfo, 'defaultSampleDuration' | 'defaultSampleSize' | 'defaultSampleFlags'>>();
  for (const trex of mvexChildren.value.filter((box) => box.type === 'trex')) {
    if (trex.end - trex.bodyStart < 24) return unreadable('a trex box is shorter than its 24-byte body');
    const view = bodyView(moov, trex);
    defaults.set(view.getUint32(4), { defaultSampleDuration: view.getUint32(12), defaultSampleSize: view.getUint32(16), defaultSampleFlags: view.getUint32(20) });
  }

  const tracks: TrackInfo[] = [];
  for (const trak of top.boxes.filter((box) => box.type === 'trak')) {
    const track = parseTrak(moov, trak);
    if (!track.ok) return track;
    if (tracks.some((t) => t.trackId === track.value.trackId)) return unreadable(`track id ${track.value.trackId} appears twice`);
    const trackDefaults = defaults.get(track.value.trackId) ?? { defaultSampleDuration: null, defaultSampleSize: null, defaultSampleFlags: null };
    tracks.push({ ...track.value, ...trackDefaults });
  }
  if (tracks.length === 0) return unreadable('moov has no tracks');
  return parsed(tracks);
}

/** The track whose timing names a fragment's duration and independence: the first video track, else the first track. */
export function referenceTrack(tracks: readonly TrackInfo[]): TrackInfo {
  return tracks.find((track) => track.handler === 'vide') ?? tracks[0]!;
}
