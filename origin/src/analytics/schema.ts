import type { ClickHouseClient } from './clickhouse.ts';

export const ANALYTICS_DATABASE = 'vora';
export const PLAYBACK_EVENTS_TABLE = `${ANALYTICS_DATABASE}.playback_events`;
/** Per video and UTC day, fed by a materialized view on every insert into playback_events. */
export const PLAYBACK_DAILY_TABLE = `${ANALYTICS_DATABASE}.playback_daily`;

/** Columns of the daily aggregate, as the view and the one-off backfill of version 2 select them. */
const dailyColumns = `video_id, toDate(at) AS day, uniqExactState(session_id) AS sessions,
        uniqExactIfState(session_id, type = 'play') AS played, countState() AS events`;

/**
 * Versioned, append-only: never edit an applied step, add the next one. ReplacingMergeTree removes
 * a repeated event (same sorting key, which ends with the event id) at merge time; reads count each event id once without FINAL (metrics.ts).
 * 18.16 has no DateTime64: `at` (seconds) partitions and orders, `at_ms` keeps the precision.
 */
export const analyticsMigrations: Array<{ version: number; statements: string[] }> = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${PLAYBACK_EVENTS_TABLE} (
        event_id String, video_id String, session_id String, viewer_id String, country String,
        type String, at DateTime, at_ms UInt64, position Float64, bitrate UInt32, rendition String,
        stall_ms UInt32, code String, received_at DateTime
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(at)
      ORDER BY (video_id, at, event_id)`,
    ],
  },
  {
    // Sessions are sets (uniqExact states merge as unions): a replayed or duplicated event changes no
    // count of sessions. `events` counts deliveries, duplicates included (no FINAL on a view's input).
    version: 2,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${PLAYBACK_DAILY_TABLE} (
        video_id String, day Date,
        sessions AggregateFunction(uniqExact, String),
        played AggregateFunction(uniqExactIf, String, UInt8),
        events AggregateFunction(count)
      ) ENGINE = AggregatingMergeTree
      PARTITION BY toYYYYMM(day)
      ORDER BY (video_id, day)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ANALYTICS_DATABASE}.playback_daily_mv TO ${PLAYBACK_DAILY_TABLE}
      AS SELECT ${dailyColumns} FROM ${PLAYBACK_EVENTS_TABLE} GROUP BY video_id, day`,
      // Rows stored before the view existed (an insert racing this step may count its events twice, never its sessions).
      `INSERT INTO ${PLAYBACK_DAILY_TABLE} SELECT ${dailyColumns} FROM ${PLAYBACK_EVENTS_TABLE} GROUP BY video_id, day`,
    ],
  },
];

/** Creates the database and applies the migrations not yet recorded. Idempotent; safe from several starters. */
export async function migrateAnalytics(client: ClickHouseClient): Promise<number[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ANALYTICS_DATABASE}` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${ANALYTICS_DATABASE}.schema_versions (version UInt32, applied_at DateTime) ENGINE = TinyLog` });
  const applied = await client.query({ query: `SELECT version FROM ${ANALYTICS_DATABASE}.schema_versions`, format: 'JSONEachRow' });
  const done = new Set((await applied.json<{ version: number }>()).map((row) => Number(row.version)));
  const ran: number[] = [];
  for (const migration of analyticsMigrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) await client.command({ query: statement });
    await client.insert({ table: `${ANALYTICS_DATABASE}.schema_versions`, values: [{ version: migration.version, applied_at: Math.floor(Date.now() / 1000) }], format: 'JSONEachRow' });
    ran.push(migration.version);
  }
  return ran;
}

/** `YYYYMMDD` (UTC) of the oldest day kept when keeping `keepDays` days including today. */
export function retentionCutoff(now: number, keepDays: number): number {
  const day = new Date(now - (keepDays - 1) * 86_400_000).toISOString().slice(0, 10);
  return Number(day.replaceAll('-', ''));
}

/** The daily partitions (`YYYYMMDD`) of playback_events older than `keepDays`, oldest first. */
export async function expiredPartitions(client: ClickHouseClient, keepDays: number, now = Date.now()): Promise<string[]> {
  const cutoff = retentionCutoff(now, keepDays);
  const result = await client.query({
    query: `SELECT DISTINCT partition FROM system.parts WHERE database = '${ANALYTICS_DATABASE}' AND table = 'playback_events' AND active AND toUInt32(partition) < ${cutoff} ORDER BY partition`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ partition: string }>()).map((row) => row.partition).filter((p) => /^\d{8}$/.test(p));
}

/** Our TTL (18.16 has none): drops every daily partition older than `keepDays`. Returns the partitions dropped. */
export async function dropExpiredPartitions(client: ClickHouseClient, keepDays: number, now = Date.now()): Promise<string[]> {
  const partitions = await expiredPartitions(client, keepDays, now);
  for (const partition of partitions) await dropPartition(client, partition);
  return partitions;
}

export async function dropPartition(client: ClickHouseClient, partition: string): Promise<void> {
  if (!/^\d{8}$/.test(partition)) throw new Error(`"${partition}" is not a daily partition id (YYYYMMDD)`);
  await client.command({ query: `ALTER TABLE ${PLAYBACK_EVENTS_TABLE} DROP PARTITION ${partition}` });
}
