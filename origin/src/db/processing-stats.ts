import { DURATION_BUCKETS, type DurationBucket, type ProcessingGroup, type ProcessingPath } from '../../../contracts/processing-stats.ts';
import type { Sql } from './sql.ts';

/** Upper bounds (seconds, exclusive) of the duration buckets; the last is open. */
const bucketEdges = [60, 300, 1200, 3600];

/** SQL of the bucket a `duration_seconds` falls in (the edges are constants, never input). */
const bucketSql = `CASE ${bucketEdges.map((edge, index) => `WHEN duration_seconds < ${edge} THEN '${DURATION_BUCKETS[index]}'`).join(' ')} ELSE '${DURATION_BUCKETS.at(-1)}' END`;

interface GroupRow {
  bucket: DurationBucket | null;
  fast: boolean | null;
  playable_videos: string | number;
  ttp_median: number | null;
  ttp_p95: number | null;
  ready_videos: string | number;
  ttr_median: number | null;
  ttr_p95: number | null;
}

/**
 * Median and p95 seconds from upload finished to PLAYABLE and to READY, for uploads finished in [from, to), by
 * source-duration bucket and path (fast = `src` published), with the totals per bucket and overall (GROUPING SETS).
 */
export async function processingStats(sql: Sql, range: { from: Date; to: Date }): Promise<ProcessingGroup[]> {
  const percentile = (fraction: number, end: string) => `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY extract(epoch FROM ${end} - upload_finished_at))`;
  const { rows } = await sql.query<GroupRow>(
    `WITH finished AS (
       SELECT ${bucketSql} AS bucket,
              EXISTS (SELECT 1 FROM renditions r WHERE r.video_id = v.id AND r.name = 'src') AS fast,
              upload_finished_at, playable_at, ready_at
       FROM videos v
       WHERE upload_finished_at >= $1 AND upload_finished_at < $2 AND playable_at IS NOT NULL AND duration_seconds IS NOT NULL
     )
     SELECT bucket, fast,
            count(*) AS playable_videos, ${percentile(0.5, 'playable_at')} AS ttp_median, ${percentile(0.95, 'playable_at')} AS ttp_p95,
            count(ready_at) AS ready_videos, ${percentile(0.5, 'ready_at')} AS ttr_median, ${percentile(0.95, 'ready_at')} AS ttr_p95
     FROM finished
     GROUP BY GROUPING SETS ((bucket, fast), (bucket), ())`,
    [range.from, range.to],
  );
  return rows.map(groupFromRow).sort(groupOrder);
}

const seconds = (value: number | null) => (value === null ? null : Math.round(Number(value) * 1000) / 1000);

/** A row of the query as the API shows it. Pure. */
export function groupFromRow(row: GroupRow): ProcessingGroup {
  const path: ProcessingPath = row.fast === null ? 'all' : row.fast ? 'fast' : 'encode';
  return {
    durationBucket: row.bucket ?? 'all',
    path,
    timeToPlayable: { videos: Number(row.playable_videos), median: seconds(row.ttp_median), p95: seconds(row.ttp_p95) },
    timeToReady: { videos: Number(row.ready_videos), median: seconds(row.ttr_median), p95: seconds(row.ttr_p95) },
  };
}

const bucketRank = (bucket: DurationBucket) => (bucket === 'all' ? DURATION_BUCKETS.length : DURATION_BUCKETS.indexOf(bucket));
const pathRank: Record<ProcessingPath, number> = { fast: 0, encode: 1, all: 2 };

/** Shortest sources first, `all` last; within a bucket fast, encode, all. Pure. */
export function groupOrder(a: ProcessingGroup, b: ProcessingGroup): number {
  return bucketRank(a.durationBucket) - bucketRank(b.durationBucket) || pathRank[a.path] - pathRank[b.path];
}
