import { describe, expect, it } from 'vitest';
import { ChatLedger } from '../../bench/lib/soak/chat-ledger.ts';
import { fdNoise, judgeGrowth, robustSlopePerHour, rssNoiseMiB, slopePerHour } from '../../bench/lib/soak/growth.ts';
import { processLabel } from '../../bench/lib/soak/process-groups.ts';
import { componentGrowth, componentRows, loadSummary, processRows, type Sample } from '../../bench/lib/soak/soak-report.ts';
import { Tally } from '../../bench/lib/soak/tally.ts';

describe('ChatLedger', () => {
  it('owes a message to every member of its room present when it was sent, and counts what did not arrive', () => {
    const ledger = new ChatLedger();
    ledger.join('a', 'r1', 100);
    ledger.join('b', 'r1', 100);
    ledger.join('x', 'r2', 100);
    ledger.sent('m1', 'r1', 200);
    ledger.join('c', 'r1', 300); // joined after m1: not owed m1
    ledger.sent('m2', 'r1', 400);
    ledger.leave('b', 450); // leaving: owed m1 and m2, nothing after
    ledger.sent('m3', 'r1', 500);
    for (const [client, nonce] of [['a', 'm1'], ['a', 'm2'], ['a', 'm3'], ['b', 'm1'], ['c', 'm2'], ['c', 'm3']] as const) ledger.received(client, nonce);
    expect(ledger.missing('b')).toBe(1);
    expect(ledger.missing('x')).toBe(0);
    expect(ledger.account()).toEqual({ sent: 3, owed: 7, delivered: 6, lost: 1, examples: ['m2 → b'] });
    ledger.received('b', 'm2');
    expect(ledger.account().lost).toBe(0);
  });

  it('ignores deliveries to clients it does not know and a second leave', () => {
    const ledger = new ChatLedger();
    ledger.join('a', 'r', 0);
    ledger.leave('a', 10);
    ledger.leave('a', 20);
    ledger.sent('m', 'r', 15);
    ledger.received('ghost', 'm');
    expect(ledger.account()).toMatchObject({ sent: 1, owed: 0, lost: 0 });
  });
});

describe('growth', () => {
  const series = (values: number[], everyMs = 60_000) => values.map((value, i) => ({ at: i * everyMs, value }));

  it('measures from the end of the warm-up to the end, against a noise floor', () => {
    const flat = judgeGrowth(series([100, 300, 310, 305, 312, 308]), 60_000, rssNoiseMiB);
    expect(flat).toMatchObject({ start: 100, warm: 300, end: 308, max: 312, growth: 8, noise: 16, beyondNoise: false, verdict: 'flat' });
    const leak = judgeGrowth(series([100, 300, 320, 340, 360, 380]), 60_000, rssNoiseMiB);
    expect(leak).toMatchObject({ growth: 80, beyondNoise: true, verdict: 'grows' });
    expect(leak.slopePerHour).toBeCloseTo(1200);
    expect(leak.lastHalfGrowth).toBeCloseTo(40); // from 3 min to 5 min at 20 MiB/min
    expect(judgeGrowth(series([40, 50, 58, 59]), 60_000, fdNoise)).toMatchObject({ growth: 9, noise: 8, beyondNoise: true });
  });

  it('tells a heap that grew after the warm-up and settled from one that keeps climbing', () => {
    const settled = judgeGrowth(series([100, 200, 240, 270, 280, 281, 279, 282, 280]), 60_000, rssNoiseMiB);
    expect(settled).toMatchObject({ growth: 80, verdict: 'settled' });
    expect(Math.abs(settled.lastHalfGrowth)).toBeLessThan(16);
  });

  it('is not made to grow by one spike', () => {
    const spiky = series([30, 30, 31, 30, 87, 30, 29, 30, 88, 30]);
    expect(robustSlopePerHour(spiky)).toBeCloseTo(0);
    expect(judgeGrowth(spiky, 60_000, fdNoise).verdict).toBe('flat');
  });

  it('has no slope without two points, and a noise that scales with size', () => {
    expect(slopePerHour([{ at: 0, value: 5 }])).toBe(0);
    expect(rssNoiseMiB(1000)).toBe(50);
    expect(fdNoise(20)).toBe(8);
    expect(() => judgeGrowth([], 0, fdNoise)).toThrow(/no samples/);
  });

  it('turns samples into one row per component with its verdict', () => {
    const group = (rssMiB: number, fds: number) => ({ processes: 2, rssKiB: rssMiB * 1024, fds, excluded: 0 });
    const samples: Sample[] = [
      { at: 0, load: 1, groups: { origin: group(200, 40), kafka: group(500, 300) } },
      { at: 60_000, load: 3, groups: { origin: group(260, 60), kafka: group(700, 310) } },
      { at: 120_000, load: 2, groups: { origin: group(300, 70), kafka: group(705, 312) } },
      { at: 180_000, load: 2, groups: { origin: group(340, 80), kafka: group(702, 311) } },
      { at: 240_000, load: 2, groups: { origin: group(380, 90), kafka: group(704, 312) } },
    ];
    const growth = componentGrowth(samples, { at: 300_000, load: 0.5, groups: { origin: group(380, 45), kafka: group(700, 301) } }, 60_000);
    expect(growth.map((c) => [c.name, c.rss.verdict, c.fds.verdict, c.fdsIdle])).toEqual([['origin', 'grows', 'grows', 45], ['kafka', 'flat', 'flat', 301]]);
    const rows = componentRows(growth);
    expect(rows[0]).toEqual(['origin', '2', '200 → 260 → 380', '+120 MiB (+46 %)', '+60 MiB', '40 → 60 → 90 (45)', '+30', 'GROWS (RSS +60 MiB in the last half, fds +15 in the last half)']);
    expect(rows[1]!.at(-1)).toBe('flat');
    expect(loadSummary(samples)).toEqual({ min: 1, median: 2, max: 3 });
  });

  it('names each process of a group apart and shows which of them grows', () => {
    expect(processLabel({}, 'workerd')).toBe('workerd');
    expect(processLabel({ workerd: 1 }, 'workerd')).toBe('workerd#2');
    expect(processLabel({ workerd: 1, 'workerd#2': 1 }, 'workerd')).toBe('workerd#3');
    const edge = (node: number, proxy: number, user: number) => ({ processes: 3, rssKiB: (node + proxy + user) * 1024, fds: 10, excluded: 0, byProcess: { node: node * 1024, workerd: proxy * 1024, 'workerd#2': user * 1024 } });
    const single = { processes: 1, rssKiB: 1024, fds: 1, excluded: 0, byProcess: { minio: 1024 } };
    const samples: Sample[] = [0, 1, 2, 3, 4].map((i) => ({ at: i * 60_000, load: 1, groups: { edge: edge(300, 60, 100 + 50 * i), minio: single } }));
    expect(processRows(samples, 60_000)).toEqual([
      ['edge', 'node', '300 → 300 → 300', '+0 MiB'],
      ['edge', 'workerd', '60 → 60 → 60', '+0 MiB'],
      ['edge', 'workerd#2', '100 → 150 → 300', '+75 MiB'],
    ]);
  });
});

describe('Tally', () => {
  it('counts by kind, most frequent first, keeping the first examples', () => {
    const tally = new Tally(2);
    tally.add('playback: node segment 404', 'a');
    tally.add('beacon: 503', 'x');
    tally.add('playback: node segment 404', 'b');
    tally.add('playback: node segment 404', 'c');
    expect(tally.total()).toBe(4);
    expect(tally.entries()).toEqual([{ kind: 'playback: node segment 404', count: 3, examples: ['a', 'b'] }, { kind: 'beacon: 503', count: 1, examples: ['x'] }]);
  });
});
