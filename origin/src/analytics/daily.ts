import type { DayViews, TopVideo } from '../../../contracts/beacons.ts';
import { sqlString } from './clickhouse.ts';
import type { AnalyticsRange } from './metrics.ts';
import { PLAYBACK_DAILY_TABLE, PLAYBACK_EVENTS_TABLE } from './schema.ts';

const DAY_MS = 86_400_000;

/** Where a range's per-day numbers come from: the daily aggregate only when it covers whole UTC days. */
export type DailySource = 'daily' | 'events';

export function isWholeDays(range: AnalyticsRange): boolean {
  return range.from % DAY_MS === 0 && range.to % DAY_MS === 0 && range.to > range.from;
}

export const dailySource = (range: AnalyticsRange): DailySource => (isWholeDays(range) ? 'daily' : 'events');

/** `toDate('YYYY-MM-DD')` of the UTC day holding `ms`. */
const dateLiteral = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

const dayWhere = (range: AnalyticsRange) => `day >= ${dateLiteral(range.from)} AND day < ${dateLiteral(range.to)}`;
const atWhere = (range: AnalyticsRange) => `at >= toDateTime(${Math.floor(range.from / 1000)}) AND at < toDateTime(${Math.ceil(range.to / 1000)})`;

/**
 * Most-watched videos (distinct sessions) in the range, ties by id. No FINAL on the raw table:
 * a duplicate event changes no distinct count, and FINAL over every video would be the slow part.
 */
export function topVideosSql(range: AnalyticsRange, limit: number): string {
  if (dailySource(range) === 'daily') {
    return `SELECT video_id AS videoId, uniqExactMerge(sessions) AS views, uniqExactIfMerge(played) AS plays
FROM ${PLAYBACK_DAILY_TABLE}
WHERE ${dayWhere(range)}
GROUP BY video_id ORDER BY views DESC, videoId LIMIT ${Math.floor(limit)}`;
  }
  return `SELECT video_id AS videoId, uniqExact(session_id) AS views, uniqExactIf(session_id, type = 'play') AS plays
FROM ${PLAYBACK_EVENTS_TABLE}
WHERE ${atWhere(range)}
GROUP BY video_id ORDER BY views DESC, videoId LIMIT ${Math.floor(limit)}`;
}

/** Distinct sessions of one video per UTC day (a session crossing midnight counts on both days). */
export function viewsByDaySql(videoId: string, range: AnalyticsRange): string {
  if (dailySource(range) === 'daily') {
    return `SELECT day, uniqExactMerge(sessions) AS views
FROM ${PLAYBACK_DAILY_TABLE}
WHERE video_id = ${sqlString(videoId)} AND ${dayWhere(range)}
GROUP BY day ORDER BY day`;
  }
  return `SELECT toDate(at) AS day, uniqExact(session_id) AS views
FROM ${PLAYBACK_EVENTS_TABLE}
WHERE video_id = ${sqlString(videoId)} AND ${atWhere(range)}
GROUP BY day ORDER BY day`;
}

/** Every UTC day the range touches, in order, with 0 for days without views (a chart needs the gaps). */
export function fillDays(range: AnalyticsRange, rows: Array<{ day: string; views: number | string }>): DayViews[] {
  const views = new Map(rows.map((row) => [row.day, Number(row.views)]));
  const days: DayViews[] = [];
  for (let day = range.from - (range.from % DAY_MS); day < range.to; day += DAY_MS) {
    const key = new Date(day).toISOString().slice(0, 10);
    days.push({ day: key, views: views.get(key) ?? 0 });
  }
  return days;
}

/** ClickHouse's JSON rows (64-bit counts arrive as strings) → the API's numbers. */
export function toTopVideos(rows: Array<{ videoId: string; views: number | string; plays: number | string }>): TopVideo[] {
  return rows.map((row) => ({ videoId: row.videoId, views: Number(row.views), plays: Number(row.plays) }));
}
