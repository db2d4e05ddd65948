import { describe, expect, it } from 'vitest';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import { decideMediaRequest } from '../../origin/src/live/llhls/media-request.ts';
import { PartCutter } from '../../origin/src/live/llhls/part-cutter.ts';
import { initName, parseLiveMediaName, partName, segmentName } from '../../origin/src/live/llhls/part-names.ts';
import { fakeInit, gopFragments } from './support/llhls-fragments.ts';

describe('live file names', () => {
  it('name segments, parts and inits like the VOD ladder, one spelling each, and read back', () => {
    expect([segmentName(12), partName(12, 3), initName(12), segmentName(123456)]).toEqual(['seg_00012.m4s', 'seg_00012.part3.m4s', 'init_00012.mp4', 'seg_123456.m4s']);
    for (const name of [segmentName(7), partName(7, 0), partName(99999, 11), initName(1), segmentName(123456)]) {
      const parsed = parseLiveMediaName(name)!;
      const back = parsed.kind === 'segment' ? segmentName(parsed.msn) : parsed.kind === 'part' ? partName(parsed.msn, parsed.index) : initName(parsed.msn);
      expect(back).toBe(name);
    }
  });

  it.each(['seg_0012.m4s', 'seg_000012.m4s', 'seg_00012.part03.m4s', 'seg_00012.part3.mp4', 'init_00012.m4s', 'init_00012.part1.mp4', 'seg_00012.m4s/..', '../seg_00012.m4s', 'playlist.m3u8', 'init.mp4'])(
    'refuses %s',
    (name) => expect(parseLiveMediaName(name)).toBeNull(),
  );
});

describe('live file requests', () => {
  const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });
  const cutter = new PartCutter(options);
  cutter.startStream(fakeInit(1));
  for (const fragment of gopFragments(80)) cutter.addFragment(fragment);
  const state = cutter.state;

  it('serves parts, complete segments and the init from memory', () => {
    expect(decideMediaRequest(state, 'seg_00002.part1.m4s')).toEqual({ kind: 'part', part: state.segments[1]!.parts[1] });
    expect(decideMediaRequest(state, 'seg_00001.m4s')).toEqual({ kind: 'segment', segment: state.segments[0] });
    expect(decideMediaRequest(state, 'init_00001.mp4')).toEqual({ kind: 'init', init: state.segments[0]!.init });
  });

  it('holds the hinted part, and nothing else that does not exist yet', () => {
    expect(state.hint?.uri).toBe('seg_00002.part2.m4s');
    expect(decideMediaRequest(state, 'seg_00002.part2.m4s')).toEqual({ kind: 'hold-for-hint' });
    expect(decideMediaRequest(state, 'seg_00002.part3.m4s')).toEqual({ kind: 'not-in-memory' });
    expect(decideMediaRequest(state, 'seg_00002.m4s')).toEqual({ kind: 'not-in-memory' }); // still open
    expect(decideMediaRequest(state, 'seg_00009.part0.m4s')).toEqual({ kind: 'not-in-memory' });
    expect(decideMediaRequest(state, 'seg_2.m4s')).toEqual({ kind: 'bad-name' });
  });
});

describe('packager settings', () => {
  it('derive the RFC figures from PART-TARGET and the segment target', () => {
    expect(resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 })).toEqual({
      partTargetSeconds: 0.36,
      segmentTargetSeconds: 2,
      targetDurationSeconds: 2,
      windowSeconds: 12,
      firstMediaSequence: 1,
      partHoldBackSeconds: 1.08,
      holdBackSeconds: 6,
      minSegmentSeconds: 1.82,
      partsListedSeconds: 6,
      retainSeconds: 14,
      advancePartLimit: 3 / 0.36,
      blockingTimeoutMs: 6000,
    });
    expect(resolveLlhlsOptions({ partTargetSeconds: 1, segmentTargetSeconds: 4 }).advancePartLimit).toBe(3);
  });

  it.each([
    [{ partTargetSeconds: 0, segmentTargetSeconds: 2 }, /partTargetSeconds must be a positive/],
    [{ partTargetSeconds: 1.5, segmentTargetSeconds: 2 }, /must hold at least two parts/],
    [{ partTargetSeconds: 0.36, segmentTargetSeconds: 2, targetDurationSeconds: 1 }, /targetDurationSeconds must be an integer/],
    [{ partTargetSeconds: 0.36, segmentTargetSeconds: 2, windowSeconds: 4 }, /at least 3 × the target duration/],
    [{ partTargetSeconds: 0.36, segmentTargetSeconds: 2, firstMediaSequence: -1 }, /firstMediaSequence/],
  ])('refuse settings that break the RFC at startup: %o', (settings, message) => {
    expect(() => resolveLlhlsOptions(settings)).toThrow(message);
  });
});
