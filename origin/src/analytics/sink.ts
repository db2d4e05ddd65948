import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { PLAYBACK_EVENTS_ROWS_HEADER, PLAYBACK_EVENTS_TOPIC } from '../../../contracts/beacons.ts';
import type { ClickHouseClient } from './clickhouse.ts';
import { coalescedInserts } from './coalesced-inserts.ts';
import { gzipLines, isGzip, rowsFromMessages, rowsInMessage } from './rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from './schema.ts';

export interface SinkOptions {
  kafka: Kafka;
  clickhouse: ClickHouseClient;
  log: Logger;
  /** Most rows per ClickHouse insert (the partitions' batches waiting together are inserted at once up to this). */
  maxRows?: number;
  /** How long the broker may hold a fetch to fill it (batching by time). */
  maxWaitMs?: number;
  /** How long a partition's batch waits for the other partitions' batches to share its insert. */
  lingerMs?: number;
  /** Partitions whose batches are read and inserted at the same time (the topic has 3). */
  partitionsConsumedConcurrently?: number;
  groupId?: string;
  /** Wait between insert attempts while ClickHouse is down. */
  retryDelayMs?: number;
}

export interface SinkStats {
  rows: number;
  inserts: number;
  /** Lines (or empty messages) that were not rows, skipped. */
  invalid: number;
  failedInserts: number;
  /** Batches whose insert failed as they came, then checked line by line (once each). */
  checkedBatches: number;
  /** Duration of each accepted insert, ms (for benchmarks). */
  insertMs: number[];
}

export interface PlaybackEventsSink {
  stats(): SinkStats;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A message's rows as one gzip member of an insert's body (lines ending in '\n'), and how many rows it holds. */
interface Member {
  gzip: Buffer;
  rows: number;
}

/** A compressed message is a member as it is; an uncompressed one (older producers) is compressed here. */
function memberOf(value: Buffer, rowsHeader: Buffer | string | undefined): Member {
  return { gzip: isGzip(value) ? value : gzipLines([value.toString()]), rows: rowsInMessage(value, rowsHeader) };
}

/**
 * Kafka `playback-events` → ClickHouse `playback_events`, in batches. An offset is resolved and committed
 * only after ClickHouse accepted the rows up to it: a crash or an outage replays, never loses. Replayed
 * rows repeat their event ids; the analytics queries count each id once (and ReplacingMergeTree drops the
 * copies at merge time).
 *
 * Messages are gzipped JSONEachRow lines already (the producer writes a send's rows as one message):
 * concatenated, they go to ClickHouse as one gzip body, neither inflated nor parsed here. Only a batch whose insert
 * failed is inflated and checked line by line (once), undecodable lines skipped and counted.
 */
export async function startPlaybackEventsSink(options: SinkOptions): Promise<PlaybackEventsSink> {
  const { kafka, clickhouse, log } = options;
  const maxRows = options.maxRows ?? 200_000;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const stats: SinkStats = { rows: 0, inserts: 0, invalid: 0, failedInserts: 0, checkedBatches: 0, insertMs: [] };
  // The schema may be missing when ClickHouse came up after the sink (or was wiped): apply it before inserting.
  let migrated = false;
  const migrateOnce = async () => {
    if (!migrated) await migrateAnalytics(clickhouse);
    migrated = true;
  };
  await migrateOnce().catch((error: unknown) => log.warn({ event: 'analytics_migrate_deferred', err: (error as Error).message }, 'ClickHouse not reachable at sink start; inserts retry'));

  const inserts = coalescedInserts<Member>({
    lingerMs: options.lingerMs ?? 20,
    maxRows,
    insert: async (members) => {
      const startedAt = performance.now();
      try {
        await migrateOnce();
        // Concatenated gzip members are one gzip stream (RFC 1952 §2.2); one chunk, one write.
        const body = Readable.from([members.length === 1 ? members[0]!.gzip : Buffer.concat(members.map((member) => member.gzip))]);
        const inserted = await clickhouse.exec({
          query: `INSERT INTO ${PLAYBACK_EVENTS_TABLE} FORMAT JSONEachRow`,
          values: body,
          http_headers: { 'Content-Encoding': 'gzip' },
        });
        inserted.stream.resume(); // the (empty) answer must be read for the socket to return to the pool
        await finished(inserted.stream);
      } catch (error) {
        stats.failedInserts += 1;
        migrated = false;
        throw error;
      }
      stats.insertMs.push(performance.now() - startedAt);
      stats.rows += members.reduce((sum, member) => sum + member.rows, 0);
      stats.inserts += 1;
    },
  });

  const consumer = kafka.consumer({
    groupId: options.groupId ?? 'vora-playback-events-sink',
    maxWaitTimeInMs: maxWaitMs,
    // The broker holds a fetch until this much arrived or maxWaitMs passed: batching by size and time. While an
    // insert runs the next rows pile up in Kafka, so a busy stream gets larger inserts by itself. Rows are gzipped
    // (~17×, one member a send): 256 KiB is some 14,000 rows.
    minBytes: 256 * 1024,
    maxBytes: 96 * 1024 * 1024,
    maxBytesPerPartition: 32 * 1024 * 1024,
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
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined) return;
      const messages = batch.messages.filter((message) => message.value && message.value.length > 0);
      let members = messages.map((message) => memberOf(message.value!, message.headers?.[PLAYBACK_EVENTS_ROWS_HEADER] as Buffer | undefined));
      let checked = false;
      const skipped = batch.messages.length - messages.length;
      stats.invalid += skipped;
      if (skipped > 0) log.warn({ event: 'playback_events_invalid', partition: batch.partition, invalid: skipped }, 'empty playback events skipped');
      for (let attempt = 1; members.length > 0; attempt += 1) {
        if (!isRunning() || isStale()) return; // unresolved offsets are fetched again
        try {
          await inserts.add(members);
          break;
        } catch (error) {
          if (!checked) {
            // ClickHouse may have refused a message that is not a row (its answer can reach us as a bare socket
            // error while the body is still streaming): check every message once, keep the rows, try again at once.
            const { rows, invalid } = rowsFromMessages(messages.map((message) => message.value));
            members = rows.length === 0 ? [] : [{ gzip: gzipLines(rows.map((row) => JSON.stringify(row))), rows: rows.length }];
            checked = true;
            stats.checkedBatches += 1;
            stats.invalid += invalid;
            log.warn({ event: 'playback_events_checked', partition: batch.partition, invalid, err: (error as Error).message }, 'an insert failed; the batch checked line by line, undecodable playback events skipped');
            continue;
          }
          log.warn({ event: 'clickhouse_insert_failed', partition: batch.partition, messages: members.length, attempt, err: (error as Error).message }, 'ClickHouse insert failed; offsets stay uncommitted, retrying');
          await sleep(Math.min(retryDelayMs * attempt, 10_000));
          await heartbeat().catch(() => {});
        }
      }
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    },
  });

  return {
    stats: () => ({ ...stats, insertMs: [...stats.insertMs] }),
    stop: () => consumer.disconnect(),
  };
}
