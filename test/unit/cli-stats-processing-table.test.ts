import { describe, expect, it } from 'vitest';
import { ProcessingStats, ProcessingWindow, processingWindowMs } from '../../contracts/processing-stats.ts';
import { processingRows } from '../../cli/operator/stats-processing.ts';

const group = (durationBucket: string, path: string, playable: [number, number | null, number | null], ready: [number, number | null, number | null]) => ({
  durationBucket, path,
  timeToPlayable: { videos: playable[0], median: playable[1], p95: playable[2] },
  timeToReady: { videos: ready[0], median: ready[1], p95: ready[2] },
});

describe('vora stats processing', () => {
  it('prints one row per group with videos, in seconds, and leaves out empty groups', () => {
    const stats = ProcessingStats.parse({
      from: '2001-01-01T00:00:00.000Z', to: '2001-01-08T00:00:00.000Z',
      groups: [
        group('0-1m', 'fast', [20, 1.234, 3.6], [20, 41.5, 77.25]),
        group('0-1m', 'encode', [0, null, null], [0, null, null]),
        group('5-20m', 'encode', [1, 5.5, 5.5], [0, null, null]),
        group('all', 'all', [21, 1.3, 5.2], [20, 41.5, 77.25]),
      ],
    });
    expect(processingRows(stats)).toEqual([
      ['0–1 min', 'fast (src)', '20', '1.23 s', '3.60 s', '20', '41.5 s', '77.3 s'],
      ['5–20 min', 'encode', '1', '5.50 s', '5.50 s', '0', '—', '—'],
      ['all', 'all', '21', '1.30 s', '5.20 s', '20', '41.5 s', '77.3 s'],
    ]);
  });

  it('reads windows like 30m, 24h and 7d, and nothing else', () => {
    expect(processingWindowMs('30m')).toBe(1_800_000);
    expect(processingWindowMs('7d')).toBe(604_800_000);
    for (const bad of ['7', 'd', '0d', '1w', '-1d', '7 d']) expect(ProcessingWindow.safeParse(bad).success).toBe(false);
  });
});
