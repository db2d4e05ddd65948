import { describe, expect, it } from 'vitest';
import { publishTimeline } from '../../bench/lib/publish-timeline.ts';

const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, ...fields });

describe('the publish timeline of the live-glass-to-glass bench', () => {
  it("reads each step's first log line of the input, relative to the publish", () => {
    const lines = [
      line({ time: 1_300, event: 'live_publish_authorized', liveInputId: 'li_a', msInHook: 120 }),
      line({ time: 1_250, event: 'live_publish_authorized', liveInputId: 'li_other', msInHook: 5 }),
      'not json li_a',
      line({ time: 1_500, event: 'live_ladder_started', liveInputId: 'li_a' }),
      line({ time: 2_400, event: 'live_ladder_encoding', liveInputId: 'li_a', msSinceSpawn: 900 }),
      line({ time: 4_600, event: 'live_ladder_first_segment', liveInputId: 'li_a' }),
      line({ time: 9_000, event: 'live_ladder_started', liveInputId: 'li_a' }),
    ];
    expect(publishTimeline(lines, 'li_a', 1_000)).toEqual({ authorized: 300, hookMs: 120, ladderStarted: 500, encoding: 1_400, firstSegmentStored: 3_600 });
  });

  it('says null for a step that was never logged', () => {
    expect(publishTimeline([line({ time: 5, event: 'live_ladder_started', liveInputId: 'li_a' })], 'li_a', 0)).toEqual({ authorized: null, hookMs: null, ladderStarted: 5, encoding: null, firstSegmentStored: null });
  });
});
