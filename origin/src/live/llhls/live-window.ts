// The sliding window: which segments a playlist lists, which list their parts, which stay in memory. Pure.
import type { LlhlsOptions } from './llhls-options.ts';
import type { LiveSegment } from './live-state.ts';

// Sums of float durations drift by ~1e-15; a segment exactly at a limit must count as inside it.
const EPSILON = 1e-6;

/** For each segment, the seconds from its start to the end of the newest part. */
export function startDistances(segments: readonly LiveSegment[]): number[] {
  const distances = new Array<number>(segments.length);
  let total = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    total += segments[i]!.durationSeconds;
    distances[i] = total;
  }
  return distances;
}

/**
 * Index of the first listed segment: the fewest newest complete segments lasting at least `windowSeconds`
 * (all of them while there are fewer), so the playlist never drops below 3 target durations (§6.2.2).
 */
export function firstListedIndex(segments: readonly LiveSegment[], options: Pick<LlhlsOptions, 'windowSeconds'>): number {
  let listed = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (segment.complete) {
      if (listed >= options.windowSeconds - EPSILON) return i + 1;
      listed += segment.durationSeconds;
    }
  }
  return 0;
}

/** EXT-X-PART tags go after 3 target durations from the end (§6.2.2): a segment lists its parts while it starts within that. */
export function listsParts(startDistance: number, options: Pick<LlhlsOptions, 'partsListedSeconds'>): boolean {
  return startDistance <= options.partsListedSeconds + EPSILON;
}

/**
 * Index of the first segment to keep in memory: everything listed, and every segment whose parts may still be
 * asked for (a part stays downloadable 3 target durations after its tag leaves the playlist, §6.2.2).
 */
export function firstRetainedIndex(segments: readonly LiveSegment[], options: Pick<LlhlsOptions, 'windowSeconds' | 'retainSeconds'>): number {
  const distances = startDistances(segments);
  let first = firstListedIndex(segments, options);
  while (first > 0 && distances[first - 1]! <= options.retainSeconds + EPSILON) first--;
  return first;
}
