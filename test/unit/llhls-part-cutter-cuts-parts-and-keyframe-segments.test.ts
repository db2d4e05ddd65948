import { describe, expect, it } from 'vitest';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import { PartCutter, type CutEvent } from '../../origin/src/live/llhls/part-cutter.ts';
import { concatBytes } from './support/fmp4-writer.ts';
import { fakeFragment, fakeInit, gopFragments } from './support/llhls-fragments.ts';

const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });

function run(cutter: PartCutter, fragments: ReturnType<typeof gopFragments>, init = fakeInit(1)): CutEvent[] {
  return [...cutter.startStream(init), ...fragments.flatMap((f) => cutter.addFragment(f))];
}

const kinds = (events: CutEvent[], kind: CutEvent['kind']) => events.filter((e) => e.kind === kind);

describe('the part cutter', () => {
  it('makes each fragment a part and starts a segment at the first keyframe fragment after 2 s', () => {
    const cutter = new PartCutter(options);
    const events = run(cutter, gopFragments(150)); // 5 s: two whole GOPs and half of a third
    const segments = cutter.state.segments;
    expect(segments.map((s) => [s.msn, s.uri, s.complete, s.parts.length, s.durationSeconds])).toEqual([
      [1, 'seg_00001.m4s', true, 6, 2],
      [2, 'seg_00002.m4s', true, 6, 2],
      [3, 'seg_00003.m4s', false, 3, 1],
    ]);
    expect(segments[0]!.parts.map((p) => [p.uri, p.index, p.independent, p.durationSeconds])).toEqual([
      ['seg_00001.part0.m4s', 0, true, 0.33333],
      ['seg_00001.part1.m4s', 1, false, 0.33333],
      ['seg_00001.part2.m4s', 2, false, 0.33333],
      ['seg_00001.part3.m4s', 3, false, 0.33333],
      ['seg_00001.part4.m4s', 4, false, 0.33333],
      ['seg_00001.part5.m4s', 5, false, 0.33333],
    ]);
    expect(kinds(events, 'part')).toHaveLength(15);
    expect(kinds(events, 'warning')).toEqual([]);
  });

  it('hands out each completed segment once, as its parts end to end, and the init once per encoder run', () => {
    const cutter = new PartCutter(options);
    const events = run(cutter, gopFragments(121));
    const completed = kinds(events, 'segment') as Extract<CutEvent, { kind: 'segment' }>[];
    expect(completed.map((e) => e.segment.msn)).toEqual([1, 2]);
    for (const { segment, bytes } of completed) expect(bytes).toEqual(concatBytes(segment.parts.map((p) => p.bytes)));
    expect(kinds(events, 'init')).toEqual([{ kind: 'init', init: { uri: 'init_00001.mp4', bytes: fakeInit(1).bytes } }]);
  });

  it('keeps an early keyframe inside the segment (INDEPENDENT=YES part) instead of cutting a short segment', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(120, { gopFrames: 30 })); // keyframes every second
    expect(cutter.state.segments.map((s) => s.parts.map((p) => p.independent))).toEqual([
      [true, false, false, true, false, false],
      [true, false, false, true, false, false],
    ]);
  });

  it('drops fragments that cannot start a segment until the first keyframe comes', () => {
    const cutter = new PartCutter(options);
    const events = run(cutter, [fakeFragment(0.3, false), fakeFragment(0.3, false), ...gopFragments(30)]);
    expect(kinds(events, 'warning').map((w) => w.kind === 'warning' && w.code)).toEqual(['dependent-start-dropped', 'dependent-start-dropped']);
    expect(cutter.state.segments[0]!.parts[0]).toMatchObject({ index: 0, independent: true });
  });

  it('hints the next part: the next index, then part 0 of the next segment once this one is long enough', () => {
    const cutter = new PartCutter(options);
    cutter.startStream(fakeInit(1));
    expect(cutter.state.hint).toEqual({ msn: 1, index: 0, uri: 'seg_00001.part0.m4s' });
    const hints: string[] = [];
    const withdrawn: string[] = [];
    for (const fragment of gopFragments(130)) {
      for (const event of cutter.addFragment(fragment)) if (event.kind === 'hint-withdrawn') withdrawn.push(event.uri);
      hints.push(cutter.state.hint!.uri);
    }
    expect(hints.slice(4, 8)).toEqual(['seg_00001.part5.m4s', 'seg_00002.part0.m4s', 'seg_00002.part1.m4s', 'seg_00002.part2.m4s']);
    expect(withdrawn).toEqual([]); // every hint came true
  });

  it('withdraws a hint that did not come true: the segment was due but the next fragment was no keyframe', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(60));
    expect(cutter.state.hint?.uri).toBe('seg_00002.part0.m4s');
    const events = cutter.addFragment(fakeFragment(1 / 3, false));
    expect(events).toContainEqual({ kind: 'hint-withdrawn', uri: 'seg_00002.part0.m4s' });
    expect(cutter.state.segments.at(-1)!.parts.at(-1)!.uri).toBe('seg_00001.part6.m4s');
  });

  it('puts a new encoder run behind a discontinuity with a new init name, continuing the numbering', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(75)); // 2.5 s: segment 2 is open with 2 parts when the publisher drops
    const dropped = cutter.endStream();
    expect(kinds(dropped, 'segment').map((e) => e.kind === 'segment' && [e.segment.msn, e.segment.durationSeconds])).toEqual([[2, 0.5]]);
    expect(cutter.state.hint?.uri).toBe('seg_00003.part0.m4s');

    const events = run(cutter, gopFragments(60), fakeInit(2));
    expect(kinds(events, 'init')).toEqual([{ kind: 'init', init: { uri: 'init_00003.mp4', bytes: fakeInit(2).bytes } }]);
    expect(cutter.state.segments.map((s) => [s.msn, s.discontinuity, s.discontinuitySequence, s.init.uri])).toEqual([
      [1, false, 0, 'init_00001.mp4'],
      [2, false, 0, 'init_00001.mp4'],
      [3, true, 1, 'init_00003.mp4'],
    ]);
  });

  it('names an init only when a segment uses it, so a run that sent no media never claims a name', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(60));
    cutter.startStream(fakeInit(2)); // connected, sent its init, dropped before any media
    cutter.endStream();
    const events = run(cutter, gopFragments(30), fakeInit(3));
    expect(kinds(events, 'init')).toEqual([{ kind: 'init', init: { uri: 'init_00002.mp4', bytes: fakeInit(3).bytes } }]);
    expect(cutter.state.segments.map((s) => s.discontinuitySequence)).toEqual([0, 1]);
  });

  it('warns when the stream breaks what the playlist promises: parts over PART-TARGET, short inner parts, long segments', () => {
    const cutter = new PartCutter(options);
    const events = run(cutter, [fakeFragment(0.4, true), fakeFragment(0.2, false), fakeFragment(0.33, false), ...Array.from({ length: 8 }, () => fakeFragment(0.33, false)), fakeFragment(0.33, true)]);
    expect(kinds(events, 'warning').map((w) => w.kind === 'warning' && w.code)).toEqual(['part-over-target', 'part-under-floor', 'segment-over-target']);
  });

  it('ends the broadcast: the open segment completes, the hint is withdrawn, later fragments are ignored', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(40));
    const events = cutter.end();
    expect(events.map((e) => e.kind)).toEqual(['segment', 'hint-withdrawn']);
    expect(cutter.state).toMatchObject({ ended: true, hint: null });
    expect(cutter.addFragment(fakeFragment(0.33, true))).toEqual([]);
    expect(cutter.state.segments).toHaveLength(1);
  });

  it('keeps memory bounded over an hour: only the window and recently listed parts stay', () => {
    const cutter = new PartCutter(options);
    run(cutter, gopFragments(30 * 3600));
    const segments = cutter.state.segments;
    expect(segments.at(-1)!.msn).toBe(1800);
    const retainedSeconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
    expect(retainedSeconds).toBeGreaterThanOrEqual(options.windowSeconds);
    expect(retainedSeconds).toBeLessThanOrEqual(options.retainSeconds + 2 * options.targetDurationSeconds);
  });
});
