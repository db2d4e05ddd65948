import { describe, expect, it } from 'vitest';
import type { VideoAnalytics } from '../../contracts/beacons.ts';
import { dayChart, parseInstant, statsRange, statsRows } from '../../cli/operator/stats.ts';

const now = Date.UTC(2026, 10, 25, 14, 30); // 2026-11-25T14:30Z
const DAY = 86_400_000;

describe('vora stats: text chart of views per day', () => {
  it('scales bars to the busiest day, keeps a # for any view, aligns the counts', () => {
    const lines = dayChart([{ day: '2026-11-20', views: 10 }, { day: '2026-11-21', views: 0 }, { day: '2026-11-22', views: 5 }, { day: '2026-11-23', views: 1 }], 10);
    expect(lines).toEqual([
      '2026-11-20  ########## 10',
      '2026-11-21              0',
      '2026-11-22  #####       5',
      '2026-11-23  #           1',
    ]);
  });

  it('draws empty bars when nothing was watched, and nothing for no days', () => {
    expect(dayChart([{ day: '2026-11-20', views: 0 }], 4)).toEqual(['2026-11-20       0']);
    expect(dayChart([])).toEqual([]);
  });
});

describe('vora stats: range options', () => {
  it('reads dates as UTC midnight, ISO instants, epoch ms and durations ago', () => {
    expect(parseInstant('2026-11-20', now)).toBe(Date.UTC(2026, 10, 20));
    expect(parseInstant('2026-11-20T12:00:00Z', now)).toBe(Date.UTC(2026, 10, 20, 12));
    expect(parseInstant('1764000000000', now)).toBe(1_764_000_000_000);
    expect(parseInstant('2d', now)).toBe(now - 2 * DAY);
    expect(parseInstant('yesterday', now)).toBeNull();
    expect(parseInstant('600', now)).toBeNull();
  });

  it('defaults to the last 7 whole UTC days including today, and refuses an empty range', () => {
    expect(statsRange({}, now)).toEqual({ from: Date.UTC(2026, 10, 19), to: Date.UTC(2026, 10, 26) });
    expect(statsRange({ from: '2026-11-01', to: '2026-11-03' }, now)).toEqual({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3) });
    expect(() => statsRange({ from: '2026-11-03', to: '2026-11-01' }, now)).toThrow(/--from must be before --to/);
    expect(() => statsRange({ from: 'soon' }, now)).toThrow(/--from soon: not a date/);
  });
});

describe('vora stats: metrics table', () => {
  it('prints people units and dashes for what was not measured', () => {
    const a: VideoAnalytics = {
      videoId: 'vid_1', from: '2026-11-19T00:00:00.000Z', to: '2026-11-26T00:00:00.000Z', views: 3, uniqueViewers: 2, watchSeconds: 39, averageViewSeconds: 13,
      startupMs: { p50: 800, p95: null }, rebufferRatio: 2000 / 41000, bitrateAverage: 2_333_333, errors: 1, byCountry: [{ country: 'FR', views: 2 }, { country: 'DE', views: 1 }], viewsByDay: [],
    };
    const rows = Object.fromEntries(statsRows(a));
    expect(rows).toMatchObject({ views: '3', 'unique viewers': '2', 'watch time': '39s', 'avg view': '13s', 'startup p50': '800 ms', 'startup p95': '—', rebuffering: '4.88%', 'avg bitrate': '2.33 Mb/s', errors: '1', countries: 'FR 2, DE 1' });
  });
});
