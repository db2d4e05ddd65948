import { parseMoof } from '../live/llhls/fragment-info.ts';
import { parseMoov } from '../live/llhls/init-segment.ts';
import { TopLevelBoxSplitter } from '../live/llhls/top-level-boxes.ts';

/** How much of a segment's head is read to find its `moof` (after `styp` and `sidx`: a few KiB). */
export const SEGMENT_HEAD_BYTES = 64 * 1024;

/**
 * Where a rendition's media timeline starts, seconds: the earliest `tfdt` of its first fragment across tracks.
 * hls.js takes the same figure as its initPTS and Safari plays the media timeline, so an `X-TIMESTAMP-MAP` with
 * MPEGTS at this time puts cue time 0 at the video's first frame. Reads the init segment and the head of the first
 * segment only (the standard boxes of ISO/IEC 14496-12, with the LL-HLS packager's readers). Pure.
 */
export function mediaStartSeconds(initSegment: Uint8Array, firstSegmentHead: Uint8Array): { ok: true; seconds: number } | { ok: false; error: string } {
  const moov = new TopLevelBoxSplitter().push(initSegment).boxes.find((box) => box.type === 'moov');
  if (!moov) return { ok: false, error: 'the init segment has no moov box' };
  const tracks = parseMoov(moov.bytes);
  if (!tracks.ok) return { ok: false, error: `the init segment is unreadable: ${tracks.message}` };
  const moof = new TopLevelBoxSplitter().push(firstSegmentHead).boxes.find((box) => box.type === 'moof');
  if (!moof) return { ok: false, error: `no moof box in the first ${firstSegmentHead.byteLength} bytes of the first segment` };
  const fragment = parseMoof(moof.bytes, tracks.value);
  if (!fragment.ok) return { ok: false, error: `the first fragment is unreadable: ${fragment.message}` };
  const starts = fragment.value.runs.flatMap((run) => {
    const timescale = tracks.value.find((track) => track.trackId === run.trackId)?.timescale;
    return timescale ? [run.decodeTime / timescale] : [];
  });
  if (starts.length === 0) return { ok: false, error: 'the first fragment has no track the init segment describes' };
  return { ok: true, seconds: Math.min(...starts) };
}
