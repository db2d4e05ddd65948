// The packager's timing settings, checked once at startup, and every figure the RFC derives from them.

export interface LlhlsSettings {
  /**
   * EXT-X-PART-INF PART-TARGET: every part must be at most this long. 0.36 s fits FFmpeg's `-frag_duration 330000`
   * at 30 fps (10 frames = 0.333 s; the first part of a stream is 0.355 s, its first frame stretched by the AAC priming).
   */
  partTargetSeconds: number;
  /** The GOP: a segment closes at the first independent part once it is this long (give or take half a part). */
  segmentTargetSeconds: number;
  /** EXT-X-TARGETDURATION, an integer ≥ every segment's duration rounded; defaults to ceil(segmentTargetSeconds). */
  targetDurationSeconds?: number;
  /** Complete segments listed: the fewest newest ones lasting at least this (≥ 3 × target duration; default 6 ×). */
  windowSeconds?: number;
  /** Media sequence number of the first segment (1, like the VOD ladder's seg_00001). */
  firstMediaSequence?: number;
}

export interface LlhlsOptions extends Required<LlhlsSettings> {
  /** PART-HOLD-BACK: 3 × PART-TARGET, the RFC's SHOULD (its MUST is 2 ×). */
  partHoldBackSeconds: number;
  /** HOLD-BACK: 3 × target duration, the RFC's minimum. */
  holdBackSeconds: number;
  /** An independent part closes the segment once it lasts at least this: keyframes land on the nearest frame. */
  minSegmentSeconds: number;
  /** Parts are listed for segments starting within this of the playlist end (3 × target duration, RFC 8216bis §6.2.2). */
  partsListedSeconds: number;
  /** Part bytes stay servable while their segment starts within this of the end: listed span + 3 target durations after removal + 1 of slack. */
  retainSeconds: number;
  /** RFC 8216bis §6.2.5.2: a request running this many parts or more past the last part is refused (3 ÷ PART-TARGET below 1 s, else 3). */
  advancePartLimit: number;
  /** Longest a blocking reload is held before a 503 (3 × target duration, §6.2.5.2). */
  blockingTimeoutMs: number;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`LL-HLS packager settings: ${message}`);
}

/** Fills the defaults and derived values; throws at startup on settings that would break the RFC's rules. */
export function resolveLlhlsOptions(settings: LlhlsSettings): LlhlsOptions {
  const { partTargetSeconds: part, segmentTargetSeconds: segment } = settings;
  check(Number.isFinite(part) && part > 0, `partTargetSeconds must be a positive number of seconds, got ${part}`);
  check(Number.isFinite(segment) && segment >= 2 * part, `segmentTargetSeconds (${segment}) must hold at least two parts of ${part} s`);
  const targetDuration = settings.targetDurationSeconds ?? Math.ceil(segment);
  check(Number.isInteger(targetDuration) && targetDuration >= Math.round(segment), `targetDurationSeconds must be an integer ≥ the segment target rounded (${Math.round(segment)}), got ${targetDuration}`);
  const windowSeconds = settings.windowSeconds ?? 6 * targetDuration;
  check(windowSeconds >= 3 * targetDuration, `windowSeconds (${windowSeconds}) must be at least 3 × the target duration (${3 * targetDuration}); a live playlist may not be shorter`);
  const firstMediaSequence = settings.firstMediaSequence ?? 1;
  check(Number.isSafeInteger(firstMediaSequence) && firstMediaSequence >= 0, `firstMediaSequence must be a non-negative integer, got ${firstMediaSequence}`);
  const partsListedSeconds = 3 * targetDuration;
  return {
    partTargetSeconds: part,
    segmentTargetSeconds: segment,
    targetDurationSeconds: targetDuration,
    windowSeconds,
    firstMediaSequence,
    partHoldBackSeconds: round(3 * part),
    holdBackSeconds: 3 * targetDuration,
    minSegmentSeconds: segment - part / 2,
    partsListedSeconds,
    retainSeconds: Math.max(windowSeconds, partsListedSeconds + 3 * targetDuration) + targetDuration,
    advancePartLimit: part < 1 ? 3 / part : 3,
    blockingTimeoutMs: 3 * targetDuration * 1000,
  };
}

/** Seconds as written in a playlist: 5 decimals (10 µs) hide float noise like 0.30000000000000004. */
export function round(seconds: number): number {
  return Math.round(seconds * 1e5) / 1e5;
}
