import { describe, expect, it } from 'vitest';
import { dailySource, fillDays, isWholeDays, topVideosSql, toTopVideos, viewsByDaySql } from '../../origin/src/analytics/daily.ts';
import { analyticsMigrations } from '../../origin/src/analytics/schema.ts';

const day = Date.UTC(2026, 10, 20); // 2026-11-20T00:00:00Z
const DAY = 86_400_000;

describe('daily aggregate: which source a range reads', () => {
  it('reads the daily table only for whole UTC days', () => {
    expect(isWholeDays({ from: day, to: day + 3 * DAY })).toBe(true);
    expect(isWholeDays({ from: day + 1, to: day + DAY })).toBe(false);
    expect(isWholeDays({ from: day, to: day + DAY - 1000 })).toBe(false);
    expect(dailySource({ from: day, to: day + DAY })).toBe('daily');
    expect(dailySource({ from: day + 3_600_000, to: day + DAY })).toBe('events');
  });
});

describe('top and per-day SQL', () => {
  it('whole days: merges the daily states between the two dates, ordered by views then id', () => {
    const sql = topVideosSql({ from: day, to: day + 2 * DAY }, 5);
    expect(sql).toContain('FROM vora.playback_daily');
    expect(sql).toContain("day >= toDate('2026-11-20') AND day < toDate('2026-11-22')");
    expect(sql).toContain('uniqExactMerge(sessions) AS views');
    expect(sql).toMatch(/ORDER BY views DESC, videoId LIMIT 5$/);
  });

  it('partial days: counts distinct sessions in the raw events between the two instants', () => {
    const sql = topVideosSql({ from: day + 1500, to: day + DAY + 2500 }, 3.7);
    expect(sql).toContain('FROM vora.playback_events');
    expect(sql).toContain(`at >= toDateTime(${day / 1000 + 1}) AND at < toDateTime(${(day + DAY) / 1000 + 3})`);
    expect(sql).toMatch(/LIMIT 3$/);
  });

  it('escapes the video id it inlines (18.16 has no query parameters)', () => {
    expect(viewsByDaySql("v'1\\", { from: day, to: day + DAY })).toContain("video_id = 'v\\'1\\\\'");
    expect(viewsByDaySql('v1', { from: day + 5, to: day + DAY })).toContain('toDate(at) AS day');
  });

  it('fills every day the range touches, with 0 where nothing was watched', () => {
    const rows = [{ day: '2026-11-21', views: '4' }, { day: '2026-11-23', views: 1 }];
    expect(fillDays({ from: day + 3_600_000, to: day + 3 * DAY + 60_000 }, rows)).toEqual([
      { day: '2026-11-20', views: 0 },
      { day: '2026-11-21', views: 4 },
      { day: '2026-11-22', views: 0 },
      { day: '2026-11-23', views: 1 },
    ]);
    expect(fillDays({ from: day, to: day + DAY }, [])).toEqual([{ day: '2026-11-20', views: 0 }]);
  });

  it('turns 64-bit strings into numbers', () => {
    expect(toTopVideos([{ videoId: 'a', views: '12', plays: '9' }])).toEqual([{ videoId: 'a', views: 12, plays: 9 }]);
  });
});

describe('migrations', () => {
  it('adds the daily aggregate as version 2, after the events table, versions strictly increasing', () => {
    expect(analyticsMigrations.map((m) => m.version)).toEqual([1, 2]);
    const [table, view, backfill] = analyticsMigrations[1]!.statements;
    expect(table).toContain('ENGINE = AggregatingMergeTree');
    expect(view).toMatch(/CREATE MATERIALIZED VIEW IF NOT EXISTS vora\.playback_daily_mv TO vora\.playback_daily/);
    expect(backfill).toMatch(/^INSERT INTO vora\.playback_daily SELECT/);
  });
});
