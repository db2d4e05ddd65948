import type { DayViews, VideoAnalytics } from '../../../contracts/beacons.ts';
import { sqlString } from './clickhouse.ts';
import { PLAYBACK_EVENTS_TABLE } from './schema.ts';

/** Events that start (or continue) playing: the time up to a session's next event is play time. */
export const PLAYING_EVENTS = ['play', 'stall_end', 'heartbeat', 'bitrate_switch'] as const;

export interface AnalyticsRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/** Stall time / (stall time + play time): the share of the viewer's waiting in their watching. */
export function rebufferRatio(stallMs: number, playMs: number): number {
  const total = stallMs + playMs;
  return total > 0 ? stallMs / total : 0;
}

/** Play time of one session from its events (the SQL below computes the same, per session, in ClickHouse). */
export function sessionPlayMs(events: Array<{ type: string; at: number }>): number {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let total = 0;
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    if ((PLAYING_EVENTS as readonly string[]).includes(sorted[i]!.type)) total += sorted[i + 1]!.at - sorted[i]!.at;
  }
  return total;
}

const where = (videoId: string, range: AnalyticsRange) =>
  `video_id = ${sqlString(videoId)} AND at >= toDateTime(${Math.floor(range.from / 1000)}) AND at < toDateTime(${Math.ceil(range.to / 1000)})`;

/** One event's UInt32 `column` under 32 bits of its id's hash: a set of these holds each event's value once. */
const idAndValue = (column: string) => `bitShiftLeft(cityHash64(event_id) % 4294967296, 32) + ${column}`;

/**
 * One row per session, then one row of totals. 18.16 has no window functions: arrays do it.
 *
 * Every event counts once without FINAL (which 18.16 runs single-threaded over every part: 1.6 s of 1 M events):
 * a replayed or resent event repeats its id, its time, type and values, so each per-session figure is taken over
 * distinct values. Play time is the sorted set of `at_ms * 2 + playing` (a copy adds an equal key, and equal keys
 * add no time); stalls and bitrates are sets of one UInt64 each, 32 bits of the event id's hash above the 32-bit
 * value (18.16 hashes sets of tuples several times slower: 0.6 s → 0.45 s here); errors are a set of hashed ids;
 * startup is a min, which copies do not change. Two different events of one session would merge only if their
 * ids' hashes agreed in 32 bits and their values were equal (about n² / 2³³ for a session of n such events).
 */
export function summarySql(videoId: string, range: AnalyticsRange): string {
  const playing = `type IN (${PLAYING_EVENTS.map((type) => `'${type}'`).join(', ')})`;
  return `SELECT
  count() AS views,
  uniqExact(viewer) AS uniqueViewers,
  sum(play_ms) AS playMs,
  sum(stalled_ms) AS stallMs,
  quantilesExactIf(0.5, 0.95)(startup_ms, played) AS startup,
  countIf(played) AS started,
  sum(error_count) AS errors,
  sum(bitrate_sum) AS bitrateSum,
  sum(bitrate_n) AS bitrateN
FROM (
  SELECT
    session_id,
    any(viewer_id) AS viewer,
    arraySort(groupUniqArray(at_ms * 2 + (${playing}))) AS keys,
    arraySum((a, b) -> (intDiv(b, 2) - intDiv(a, 2)) * (a % 2), arrayPopBack(keys), arrayPopFront(keys)) AS play_ms,
    arraySum(k -> k % 4294967296, groupUniqArrayIf(${idAndValue('stall_ms')}, type = 'stall_end')) AS stalled_ms,
    countIf(type = 'play') > 0 AS played,
    toInt64(minIf(at_ms, type = 'play')) - toInt64(min(at_ms)) AS startup_ms,
    uniqExactIf(cityHash64(event_id), type = 'error') AS error_count,
    groupUniqArrayIf(${idAndValue('bitrate')}, bitrate > 0) AS rates,
    arraySum(k -> k % 4294967296, rates) AS bitrate_sum,
    length(rates) AS bitrate_n
  FROM ${PLAYBACK_EVENTS_TABLE}
  WHERE ${where(videoId, range)}
  GROUP BY session_id
)`;
}

/** A duplicate event changes no distinct count. Sessions are counted by a 64-bit hash of their id (a set of numbers, not strings). */
export function byCountrySql(videoId: string, range: AnalyticsRange, limit = 10): string {
  return `SELECT if(country = '', '??', country) AS country, uniqExact(cityHash64(session_id)) AS views
FROM ${PLAYBACK_EVENTS_TABLE}
WHERE ${where(videoId, range)}
GROUP BY country ORDER BY views DESC, country LIMIT ${limit}`;
}

/** What ClickHouse answers to summarySql (64-bit integers arrive as strings in JSON). */
export interface SummaryRow {
  views: number | string;
  uniqueViewers: number | string;
  playMs: number | string;
  stallMs: number | string;
  startup: Array<number | string>;
  started: number | string;
  errors: number | string;
  bitrateSum: number | string;
  bitrateN: number | string;
}

export function toVideoAnalytics(
  videoId: string,
  range: AnalyticsRange,
  row: SummaryRow,
  byCountry: Array<{ country: string; views: number | string }>,
  viewsByDay: DayViews[] = [],
): VideoAnalytics {
  const views = Number(row.views);
  const playMs = Number(row.playMs);
  const stallMs = Number(row.stallMs);
  const started = Number(row.started) > 0;
  const bitrateN = Number(row.bitrateN);
  return {
    videoId,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    views,
    uniqueViewers: Number(row.uniqueViewers),
    watchSeconds: playMs / 1000,
    averageViewSeconds: views > 0 ? playMs / 1000 / views : 0,
    startupMs: { p50: started ? Number(row.startup[0]) : null, p95: started ? Number(row.startup[1]) : null },
    rebufferRatio: rebufferRatio(stallMs, playMs),
    bitrateAverage: bitrateN > 0 ? Number(row.bitrateSum) / bitrateN : null,
    errors: Number(row.errors),
    byCountry: byCountry.map((entry) => ({ country: entry.country, views: Number(entry.views) })),
    viewsByDay,
  };
}
