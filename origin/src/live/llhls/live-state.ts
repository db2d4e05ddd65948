// The packager's state for one rendition, as plain data read by the playlist writer and the request decisions.

export interface LivePart {
  msn: number;
  /** Part Index within its segment, from 0. */
  index: number;
  uri: string;
  durationSeconds: number;
  /** Starts with a sync sample in every track: EXT-X-PART INDEPENDENT=YES. */
  independent: boolean;
  /** moof + mdat: served as `uri`. */
  bytes: Uint8Array;
}

export interface LiveInit {
  uri: string;
  /** ftyp + moov. */
  bytes: Uint8Array;
}

export interface LiveSegment {
  msn: number;
  uri: string;
  init: LiveInit;
  /** First segment of an encoder run that follows another one: EXT-X-DISCONTINUITY. */
  discontinuity: boolean;
  /** Its Discontinuity Sequence Number (count of discontinuities before and at it). */
  discontinuitySequence: number;
  parts: LivePart[];
  durationSeconds: number;
  /** False while parts are still being added (the segment at the live edge). */
  complete: boolean;
}

export interface PartPosition {
  msn: number;
  index: number;
}

export interface PackagerState {
  /** Retained segments, oldest first; only the last may be incomplete. Older ones live on in MinIO only. */
  segments: LiveSegment[];
  /** The part announced by EXT-X-PRELOAD-HINT, if one is expected. */
  hint: (PartPosition & { uri: string }) | null;
  /** EXT-X-ENDLIST: the broadcast is over. */
  ended: boolean;
}

/** The newest part, where blocking requests and rendition reports are measured from. */
export function lastPart(state: PackagerState): PartPosition | null {
  const segment = state.segments.at(-1);
  const part = segment?.parts.at(-1);
  return part ? { msn: part.msn, index: part.index } : null;
}

/** The newest complete segment's number, or null before the first one completes. */
export function lastCompleteMsn(state: PackagerState): number | null {
  for (let i = state.segments.length - 1; i >= 0; i--) if (state.segments[i]!.complete) return state.segments[i]!.msn;
  return null;
}

/** EXT-X-RENDITION-REPORT for a sibling rendition: its last segment (the live edge's, parts included) and last part. */
export function renditionReport(state: PackagerState, uri: string): { uri: string; lastMSN: number; lastPart: number } | null {
  const last = lastPart(state);
  return last ? { uri, lastMSN: last.msn, lastPart: last.index } : null;
}
