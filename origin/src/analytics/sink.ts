import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { PLAYBACK_EVENTS_TOPIC } from '../../../contracts/beacons.ts';
import type { ClickHouseClient } from './clickhouse.ts';
import { rowsFromMessages } from './rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from './schema.ts';

export interface SinkOptions {
  kafka: Kafka;
  clickhouse: ClickHouseClient;
  log: Logger;
  /** Most rows per ClickHouse insert. */
  maxRows?: number;
  /** How long the broker may hold a fetch to fill it (batching by time). */
  maxWaitMs?: number;
  groupId?: string;
  /** Wait between insert attempts while ClickHouse is down. */
  retryDelayMs?: number;
}

export interface SinkStats {
  rows: number;
  inserts: number;
  invalid: number;
  failedInserts: number;
  /** Duration of each accepted insert, ms (for benchmarks). */
  insertMs: number[];
}

export interface PlaybackEventsSink {
  stats(): SinkStats;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kafka `playback-events` → ClickHouse `playback_events`, in batches. An offset is resolved and committed
 * only after ClickHouse accepted the rows up to it: a crash or an outage replays, never loses. Replayed
 * rows repeat their event ids and ReplacingMergeTree (read with FINAL) removes them.
 */
export async function startPlaybackEventsSink(options: SinkOptions): Promise<PlaybackEventsSink> {
  const { kafka, clickhouse, log } = options;
  const maxRows = options.maxRows ?? 5000;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const stats: SinkStats = { rows: 0, inserts: 0, invalid: 0, failedInserts: 0, insertMs: [] };
  // The schema may be missing when ClickHouse came up after the sink (or was wiped): apply it before inserting.
  let migrated = false;
  const migrateOnce = async () => {
    if (!migrated) await migrateAnalytics(clickhouse);
    migrated = true;
  };
  await migrateOnce().catch((error: unknown) => log.warn({ event: 'analytics_migrate_deferred', err: (error as Error).message }, 'ClickHouse not reachable at sink start; inserts retry'));

  const consumer = kafka.consumer({
    groupId: options.groupId ?? 'vora-playback-events-sink',
    maxWaitTimeInMs: maxWaitMs,
    // The broker holds a fetch until this much arrived or maxWaitMs passed: batching by size and time.
    minBytes: 256 * 1024,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    log.error({ event: 'playback_events_sink_crashed', err: payload.error.message, restart: payload.restart }, 'playback events sink crashed'),
  );
  await consumer.connect();
  await consumer.subscribe({ topic: PLAYBACK_EVENTS_TOPIC, fromBeginning: true });

  await consumer.run({
    eachBatchAutoResolve: false,
    autoCommit: true,
    autoCommitThreshold: 1,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
      for (let start = 0; start < batch.messages.length; start += maxRows) {
        const chunk = batch.messages.slice(start, start + maxRows);
        const { rows, invalid } = rowsFromMessages(chunk.map((message) => message.value));
        stats.invalid += invalid;
        if (invalid > 0) log.warn({ event: 'playback_events_invalid', partition: batch.partition, invalid }, 'undecodable playback events skipped');
        for (let attempt = 1; rows.length > 0; attempt += 1) {
          if (!isRunning() || isStale()) return; // unresolved offsets are fetched again
          const startedAt = performance.now();
          try {
            await migrateOnce();
            await clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: rows, format: 'JSONEachRow' });
            stats.insertMs.push(performance.now() - startedAt);
            stats.rows += rows.length;
            stats.inserts += 1;
            break;
          } catch (error) {
            stats.failedInserts += 1;
            migrated = false;
            log.warn({ event: 'clickhouse_insert_failed', partition: batch.partition, rows: rows.length, attempt, err: (error as Error).message }, 'ClickHouse insert failed; offsets stay uncommitted, retrying');
            await sleep(Math.min(retryDelayMs * attempt, 10_000));
            await heartbeat().catch(() => {});
          }
        }
        resolveOffset(chunk[chunk.length - 1]!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });

  return {
    stats: () => ({ ...stats, insertMs: [...stats.insertMs] }),
    stop: () => consumer.disconnect(),
  };
}
