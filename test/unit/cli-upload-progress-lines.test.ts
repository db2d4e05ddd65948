import { describe, expect, it } from 'vitest';
import { progressBarLine, progressPlainLine, progressReporter, transferFigures } from '../../cli/lib/progress.ts';

const MiB = 1024 ** 2;

describe('transferFigures', () => {
  it('computes the rate of this run only, so a resumed upload does not look faster', () => {
    const figures = transferFigures({ sent: 12 * MiB, total: 20 * MiB, startOffset: 8 * MiB, startedAtMs: 0, nowMs: 2_000 });
    expect(figures.fraction).toBeCloseTo(0.6);
    expect(figures.bytesPerSecond).toBe(2 * MiB);
    expect(figures.etaSeconds).toBe(4);
  });
  it('has no ETA before any byte moved, and 0 when done', () => {
    expect(transferFigures({ sent: 0, total: 10, startOffset: 0, startedAtMs: 0, nowMs: 0 }).etaSeconds).toBeNull();
    expect(transferFigures({ sent: 10, total: 10, startOffset: 10, startedAtMs: 0, nowMs: 0 }).etaSeconds).toBe(0);
  });
});

describe('progress lines', () => {
  const sample = { sent: 10 * MiB, total: 20 * MiB, startOffset: 0, startedAtMs: 0, nowMs: 5_000 };
  it('shows bytes, rate and ETA on the bar', () => {
    expect(progressBarLine(sample, 10)).toBe('[#####-----]  50%  10.0 MiB / 20.0 MiB  2.0 MiB/s  ETA 5s');
  });
  it('writes a sentence for logs', () => {
    expect(progressPlainLine(sample)).toBe('uploaded 10.0 MiB of 20.0 MiB (50%) at 2.0 MiB/s, 5s left');
  });
});

describe('progressReporter', () => {
  it('prints plain lines at most once per interval, the first and the last always', () => {
    let clock = 0;
    const out: string[] = [];
    const reporter = progressReporter({ total: 100, startOffset: 0, tty: false, write: (t) => out.push(t), now: () => clock, intervalMs: 1_000 });
    for (const [at, sent] of [[10, 1], [500, 20], [900, 40], [1_200, 60], [1_300, 100]] as const) {
      clock = at;
      reporter.update(sent);
    }
    reporter.finish();
    expect(out.map((line) => /\((\d+)%\)/.exec(line)?.[1])).toEqual(['1', '60', '100']);
    expect(out.every((line) => line.endsWith('\n'))).toBe(true);
  });
  it('redraws one line in place on a terminal and clears it at the end', () => {
    let clock = 0;
    const out: string[] = [];
    const reporter = progressReporter({ total: 100, startOffset: 0, tty: true, write: (t) => out.push(t), now: () => (clock += 200) });
    reporter.update(50);
    reporter.update(100);
    reporter.finish();
    expect(out).toHaveLength(3);
    expect(out.slice(0, 2).every((t) => t.startsWith('\r') && !t.includes('\n'))).toBe(true);
    expect(out[2]).toBe('\r\x1b[K');
  });
});
