import { describe, expect, it } from 'vitest';
import { decideReload, isReloadSatisfied, type ReloadDecision } from '../../origin/src/live/llhls/blocking-reload.ts';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import { PartCutter } from '../../origin/src/live/llhls/part-cutter.ts';
import { fakeFragment, fakeInit, gopFragments } from './support/llhls-fragments.ts';

const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });

/** Segments 1–2 complete (6 parts each), segment 3 open with parts 0–2: the last part is (3, 2). */
function liveEdge(): PartCutter {
  const cutter = new PartCutter(options);
  cutter.startStream(fakeInit(1));
  for (const fragment of gopFragments(150)) cutter.addFragment(fragment);
  return cutter;
}

const now: ReloadDecision = { kind: 'now' };
const hold = (msn: number, part: number | null): ReloadDecision => ({ kind: 'hold', target: { msn, part }, timeoutMs: 6000 });
const refused = expect.objectContaining({ kind: 'bad-request' });

describe('blocking playlist reload (RFC 8216bis §6.2.5.2)', () => {
  const state = liveEdge().state;

  it.each([
    ['no directives: the current playlist', null, null, now],
    ['a segment already complete', '2', null, now],
    ['a segment no longer listed (the client fell behind)', '0', null, now],
    ['the segment in progress: hold until it completes', '3', null, hold(3, null)],
    ['the next segment', '4', null, hold(4, null)],
    ['two past the last complete segment', '4', '0', hold(4, 0)],
    ['more than two past the last complete segment', '5', null, refused],
    ['a part already published', '3', '1', now],
    ['the last part published', '3', '2', now],
    ['the hinted part', '3', '3', hold(3, 3)],
    ['past the last part of a complete segment: part 0 of the next', '2', '6', now],
    ['the Advance Part Limit: 8 parts ahead is held', '4', '4', hold(4, 4)],
    ['the Advance Part Limit: 9 parts ahead is refused', '4', '5', refused],
    ['_HLS_part without _HLS_msn', null, '1', refused],
    ['a negative _HLS_msn', '-1', null, refused],
    ['a fractional _HLS_part', '3', '1.5', refused],
    ['a _HLS_msn with letters', '3abc', null, refused],
    ['an absurdly long number', '9'.repeat(40), null, refused],
  ] as const)('%s (_HLS_msn=%s, _HLS_part=%s)', (_name, msn, part, expected) => {
    expect(decideReload(state, options, { msn, part })).toEqual(expected);
  });

  it('releases a held request exactly when the part or segment it waits for is published', () => {
    const cutter = liveEdge();
    const target = { msn: 4, part: 0 };
    expect(isReloadSatisfied(cutter.state, target)).toBe(false);
    for (let i = 0; i < 3; i++) {
      cutter.addFragment(fakeFragment(1 / 3, false));
      expect(isReloadSatisfied(cutter.state, target)).toBe(false);
    }
    expect(isReloadSatisfied(cutter.state, { msn: 3, part: null })).toBe(false);
    cutter.addFragment(fakeFragment(1 / 3, true)); // segment 3 completes, part (4, 0) appears
    expect(isReloadSatisfied(cutter.state, { msn: 3, part: null })).toBe(true);
    expect(isReloadSatisfied(cutter.state, target)).toBe(true);
  });

  it('treats a part past the end of a segment that completes meanwhile as part 0 of the next', () => {
    const cutter = liveEdge();
    const target = { msn: 3, part: 7 }; // segment 3 will have 6 parts
    for (const fragment of gopFragments(90).slice(3, 6)) cutter.addFragment(fragment);
    expect(isReloadSatisfied(cutter.state, target)).toBe(false);
    cutter.addFragment(fakeFragment(1 / 3, true));
    expect(isReloadSatisfied(cutter.state, target)).toBe(true);
  });

  it('ignores the directives once the playlist has EXT-X-ENDLIST, and releases everything held', () => {
    const cutter = liveEdge();
    cutter.end();
    expect(decideReload(cutter.state, options, { msn: '9', part: 'x' })).toEqual(now);
    expect(isReloadSatisfied(cutter.state, { msn: 99, part: 0 })).toBe(true);
  });

  it('holds the first requests of a stream that has no segment yet, within two of the first', () => {
    const cutter = new PartCutter(options);
    cutter.startStream(fakeInit(1));
    expect(decideReload(cutter.state, options, { msn: '1', part: '0' })).toEqual(hold(1, 0));
    expect(decideReload(cutter.state, options, { msn: '2', part: null })).toEqual(hold(2, null));
    expect(decideReload(cutter.state, options, { msn: '3', part: null })).toEqual(refused);
  });

  it('bounds every hold by three target durations, after which the origin answers 503', () => {
    const decision = decideReload(liveEdge().state, options, { msn: '3', part: '3' });
    expect(decision).toMatchObject({ kind: 'hold', timeoutMs: 3 * options.targetDurationSeconds * 1000 });
  });
});
