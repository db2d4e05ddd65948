// Blocking playlist reload (RFC 8216bis §6.2.5.2): answer now, hold until a part exists, or refuse. Pure.
import type { LlhlsOptions } from './llhls-options.ts';
import { lastCompleteMsn, lastPart, type PackagerState } from './live-state.ts';

/** The delivery directives as they came in the query (null when absent). */
export interface ReloadDirectives {
  msn: string | null;
  part: string | null;
}

/** What the playlist must contain before the answer: segment `msn` complete (part null), or part (msn, part). */
export interface ReloadTarget {
  msn: number;
  part: number | null;
}

export type ReloadDecision =
  | { kind: 'now' }
  /** Hold the request; answer when `isReloadSatisfied` turns true, or 503 after `timeoutMs` (three target durations). */
  | { kind: 'hold'; target: ReloadTarget; timeoutMs: number }
  | { kind: 'bad-request'; message: string };

const DECIMAL_INTEGER = /^\d{1,15}$/;

/** Part (msn, part) of a complete segment past its last part means part 0 of the next segment (§6.2.5.2). */
function normalize(state: PackagerState, target: ReloadTarget): ReloadTarget {
  if (target.part === null) return target;
  const segment = state.segments.find((s) => s.msn === target.msn);
  return segment?.complete && target.part >= segment.parts.length ? { msn: target.msn + 1, part: 0 } : target;
}

/** True once the playlist holds what the request waits for (or anything later). */
export function isReloadSatisfied(state: PackagerState, target: ReloadTarget): boolean {
  if (state.ended) return true;
  if (target.part === null) return (lastCompleteMsn(state) ?? -1) >= target.msn;
  const wanted = normalize(state, target);
  const last = lastPart(state);
  if (!last) return false;
  return last.msn > wanted.msn || (last.msn === wanted.msn && last.index >= wanted.part!);
}

/** How many parts `target` lies beyond the newest part; a segment not yet begun counts as a full GOP of parts. */
function partsAhead(state: PackagerState, options: LlhlsOptions, target: ReloadTarget & { part: number }): number {
  const last = lastPart(state);
  if (!last || target.msn < last.msn) return 0;
  if (target.msn === last.msn) return target.part - last.index;
  const expected = Math.max(last.index + 1, Math.round(options.segmentTargetSeconds / options.partTargetSeconds));
  const left = state.segments.at(-1)!.complete ? 0 : expected - 1 - last.index;
  return left + 1 + target.part + (target.msn - last.msn - 1) * expected;
}

/**
 * Decides a playlist request from its `_HLS_msn` / `_HLS_part`. Without directives, or once the playlist has
 * EXT-X-ENDLIST, the answer is the current playlist. Requests beyond the last segment + 2, or the Advance Part
 * Limit past the last part, are refused at once (the RFC's SHOULD), so a client cannot park requests forever.
 */
export function decideReload(state: PackagerState, options: LlhlsOptions, directives: ReloadDirectives): ReloadDecision {
  if (state.ended) return { kind: 'now' };
  if (directives.msn === null) {
    return directives.part === null ? { kind: 'now' } : { kind: 'bad-request', message: '_HLS_part needs an _HLS_msn beside it' };
  }
  if (!DECIMAL_INTEGER.test(directives.msn)) return { kind: 'bad-request', message: `_HLS_msn must be a decimal integer, got ${JSON.stringify(directives.msn.slice(0, 20))}` };
  if (directives.part !== null && !DECIMAL_INTEGER.test(directives.part)) {
    return { kind: 'bad-request', message: `_HLS_part must be a decimal integer, got ${JSON.stringify(directives.part.slice(0, 20))}` };
  }
  const target: ReloadTarget = { msn: Number(directives.msn), part: directives.part === null ? null : Number(directives.part) };

  const lastSegment = lastCompleteMsn(state) ?? options.firstMediaSequence - 1;
  if (target.msn > lastSegment + 2) {
    return { kind: 'bad-request', message: `_HLS_msn=${target.msn} is more than two segments past the last one (${lastSegment})` };
  }
  if (target.part !== null) {
    const ahead = partsAhead(state, options, normalize(state, target) as ReloadTarget & { part: number });
    if (ahead >= options.advancePartLimit) {
      return { kind: 'bad-request', message: `_HLS_msn=${target.msn}&_HLS_part=${target.part} is ${ahead} parts past the last one, at or over the limit of ${options.advancePartLimit.toFixed(2)}` };
    }
  }
  return isReloadSatisfied(state, target) ? { kind: 'now' } : { kind: 'hold', target, timeoutMs: options.blockingTimeoutMs };
}
