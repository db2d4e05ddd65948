// A request for a live file of one rendition: serve it from memory, hold it (the hinted part), or not found. Pure.
import type { LiveInit, LivePart, LiveSegment, PackagerState } from './live-state.ts';
import { parseLiveMediaName } from './part-names.ts';

export type MediaRequestDecision =
  | { kind: 'part'; part: LivePart }
  /** A complete segment still in memory; its bytes are its parts end to end. */
  | { kind: 'segment'; segment: LiveSegment }
  | { kind: 'init'; init: LiveInit }
  /** The part named by EXT-X-PRELOAD-HINT: hold until its 'part' event (then serve) or 'hint-withdrawn' (then 404). */
  | { kind: 'hold-for-hint' }
  /** Not in memory: a segment or init may still be in storage (MinIO); a part never is. */
  | { kind: 'not-in-memory' }
  | { kind: 'bad-name' };

export function decideMediaRequest(state: PackagerState, fileName: string): MediaRequestDecision {
  const name = parseLiveMediaName(fileName);
  if (!name) return { kind: 'bad-name' };
  if (name.kind === 'init') {
    const segment = state.segments.find((s) => s.init.uri === fileName);
    return segment ? { kind: 'init', init: segment.init } : { kind: 'not-in-memory' };
  }
  const segment = state.segments.find((s) => s.msn === name.msn);
  if (name.kind === 'segment') return segment?.complete ? { kind: 'segment', segment } : { kind: 'not-in-memory' };
  const part = segment?.parts[name.index];
  if (part) return { kind: 'part', part };
  return state.hint?.uri === fileName ? { kind: 'hold-for-hint' } : { kind: 'not-in-memory' };
}
