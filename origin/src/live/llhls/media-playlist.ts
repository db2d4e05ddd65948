// The LL-HLS media playlist of one rendition (RFC 8216bis §4.4), built as hls-parser objects and written by hls-parser. Pure.
import { stringify, types } from 'hls-parser';
import type { PartialSegment, RenditionReport, Segment } from 'hls-parser/types.js';
import type { LlhlsOptions } from './llhls-options.ts';
import type { LiveSegment, PackagerState } from './live-state.ts';
import { firstListedIndex, listsParts, startDistances } from './live-window.ts';

export interface RenditionReportInput {
  /** The sibling's playlist, relative to this one (`../360p/playlist.m3u8`). */
  uri: string;
  lastMSN: number;
  lastPart: number;
}

// hls-parser's strict parse refuses EXT-X-PART tags more than three segments (the trailing hint counts) from the end.
const MAX_SEGMENTS_WITH_PARTS = 3;
// EXT-X-MAP needs version 6 in a playlist without EXT-X-I-FRAMES-ONLY; nothing else here needs more (§8).
const VERSION = 6;

function toSegment(live: LiveSegment, withParts: boolean): Segment {
  const parts: PartialSegment[] = withParts
    ? live.parts.map((part) => new types.PartialSegment({ hint: false, uri: part.uri, duration: part.durationSeconds, independent: part.independent }))
    : [];
  return new types.Segment({
    uri: live.complete ? live.uri : '',
    duration: live.complete ? live.durationSeconds : undefined,
    mediaSequenceNumber: live.msn,
    discontinuitySequence: live.discontinuitySequence,
    discontinuity: live.discontinuity,
    map: new types.MediaInitializationSection({ uri: live.init.uri }),
    parts,
  });
}

/** The playlist as hls-parser objects, or null while no part exists yet (the origin answers 404 or holds the request). */
export function buildMediaPlaylist(state: PackagerState, options: LlhlsOptions, reports: readonly RenditionReportInput[] = []) {
  const first = firstListedIndex(state.segments, options);
  const listed = state.segments.slice(first);
  if (listed.length === 0) return null;
  const distances = startDistances(state.segments).slice(first);
  const open = !listed.at(-1)!.complete;
  // The hint rides on the open segment, or trails the complete ones as an entry of its own.
  const trailingHint = state.hint !== null && !open;
  const entries = listed.length + (trailingHint ? 1 : 0);
  const segments = listed.map((live, i) => toSegment(live, entries - i <= MAX_SEGMENTS_WITH_PARTS && listsParts(distances[i]!, options)));
  if (state.hint) {
    const hint = new types.PartialSegment({ hint: true, uri: state.hint.uri });
    if (open) segments.at(-1)!.parts.push(hint);
    else segments.push(new types.Segment({ uri: '', mediaSequenceNumber: state.hint.msn, discontinuitySequence: listed.at(-1)!.discontinuitySequence, parts: [hint] }));
  }
  const head = listed[0]!;
  return new types.MediaPlaylist({
    version: VERSION,
    independentSegments: true,
    targetDuration: options.targetDurationSeconds,
    mediaSequenceBase: head.msn,
    // A leading EXT-X-DISCONTINUITY counts itself, so the base is one less (§4.4.3.3).
    discontinuitySequenceBase: head.discontinuitySequence - (head.discontinuity ? 1 : 0),
    lowLatencyCompatibility: {
      canBlockReload: true,
      canSkipUntil: undefined as unknown as number,
      holdBack: options.holdBackSeconds,
      partHoldBack: options.partHoldBackSeconds,
    },
    partTargetDuration: options.partTargetSeconds,
    segments,
    endlist: state.ended,
    renditionReports: reports.map((report): RenditionReport => new types.RenditionReport(report)),
  });
}

/** The playlist text, or null while no part exists yet. */
export function writeMediaPlaylist(state: PackagerState, options: LlhlsOptions, reports: readonly RenditionReportInput[] = []): string | null {
  const playlist = buildMediaPlaylist(state, options, reports);
  return playlist && `${stringify(playlist)}\n`;
}
