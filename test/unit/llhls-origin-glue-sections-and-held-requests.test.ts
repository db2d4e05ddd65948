import { describe, expect, it } from 'vitest';
import { HeldRequests } from '../../origin/src/live/held-requests.ts';
import { sectionsOf } from '../../origin/src/live/llhls-rendition.ts';
import { mergeReportedSections } from '../../transcoder/src/live/low-latency-run.ts';

describe('what a low-latency rendition stored, as the live workflow keeps it', () => {
  it('makes one section per encoder run (init segment), consecutive numbers in each', () => {
    expect(sectionsOf([])).toEqual([]);
    expect(
      sectionsOf([
        { msn: 1, durationSeconds: 2, initUri: 'init_00001.mp4' },
        { msn: 2, durationSeconds: 1.96, initUri: 'init_00001.mp4' },
        { msn: 3, durationSeconds: 2, initUri: 'init_00003.mp4' },
        { msn: 4, durationSeconds: 0.7, initUri: 'init_00003.mp4' },
      ]),
    ).toEqual([
      { mapUri: 'init_00001.mp4', first: 1, durations: [2, 1.96] },
      { mapUri: 'init_00003.mp4', first: 3, durations: [2, 0.7] },
    ]);
  });

  it('starts a new section at a gap in numbering (a segment that could not be stored)', () => {
    const sections = sectionsOf([
      { msn: 1, durationSeconds: 2, initUri: 'init_00001.mp4' },
      { msn: 3, durationSeconds: 2, initUri: 'init_00001.mp4' },
    ]);
    expect(sections.map((section) => section.first)).toEqual([1, 3]);
  });

  it("keeps earlier runs the origin no longer reports (it restarted) and takes its report from there on", () => {
    const prior = [{ mapUri: 'init_1.mp4', first: 1, durations: [2, 2] }, { mapUri: 'init_00003.mp4', first: 3, durations: [2] }];
    const reported = [{ mapUri: 'init_00003.mp4', first: 3, durations: [2, 2, 1] }];
    expect(mergeReportedSections(prior, reported)).toEqual([prior[0], reported[0]]);
    expect(mergeReportedSections(prior, [])).toEqual(prior);
  });
});

describe('held requests', () => {
  it('releases a request when its condition turns true on a wake, and times out the others', async () => {
    const held = new HeldRequests();
    let parts = 0;
    const soon = held.wait(() => parts >= 1, 5_000);
    const never = held.wait(() => parts >= 100, 30);
    expect(held.size).toBe(2);
    held.wake();
    expect(held.size).toBe(2);
    parts = 1;
    held.wake();
    expect(await soon).toBe(true);
    expect(await never).toBe(false);
    expect(held.size).toBe(0);
  });

  it('answers at once when already true, and lets go when the client leaves', async () => {
    const held = new HeldRequests();
    expect(await held.wait(() => true, 10)).toBe(true);
    const gone = new AbortController();
    const waiting = held.wait(() => false, 5_000, gone.signal);
    gone.abort();
    expect(await waiting).toBe(false);
    expect(held.size).toBe(0);
  });
});
