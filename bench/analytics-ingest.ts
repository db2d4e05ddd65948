/**
 * Analytics ingest: events/s from beacons handed to the origin's producer through Kafka and the origin's sink
 * into ClickHouse, against a direct batched insert of the same rows into the same ClickHouse, same run.
 *
 * Both sides start from the same validated records in memory (what `/internal/beacons` hands the producer).
 * Kafka side: beacons of 10 events published with 2,000 in flight (a busy edge's concurrent requests, each waiting
 * for Kafka's acknowledgement as the route does; the figure of record) and with 200, timed until the sink has had
 * every row accepted by ClickHouse. Direct side: the same records as rows, 100,000 per insert.
 * Rounds alternate which side goes first, each side starts with ClickHouse's merges settled and this process's heap
 * collected (no side pays for the garbage of the one before), and each round's rows are counted in ClickHouse
 * afterwards (every event id present: nothing lost).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { PlaybackEventRecord } from '../contracts/beacons.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { openClickHouse } from '../origin/src/analytics/clickhouse.ts';
import { createPlaybackEventProducer } from '../origin/src/analytics/producer.ts';
import { toRow } from '../origin/src/analytics/rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from '../origin/src/analytics/schema.ts';
import { startPlaybackEventsSink } from '../origin/src/analytics/sink.ts';
import { stackContext } from '../stack/component.ts';
import { clickhouseComponent } from '../stack/components/clickhouse.ts';
import { kafkaComponent } from '../stack/components/kafka.ts';
import { StackRunner } from '../stack/runner.ts';
import { kafkaTool } from '../stack/tools/kafka.ts';
import { formatTable } from '../cli/lib/table.ts';
import { loadNote } from './lib/machine.ts';
import { processGroupCpuMs } from './lib/process.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { median, resultHeaders, resultRows, toStored, writeResults, type BenchResult } from './lib/results.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const offset = 27_500; // Kafka 36592/36593, ClickHouse HTTP 35623 / TCP 36509
const events = numberSetting({ env: 'BENCH_INGEST_EVENTS', position: 0 }, { full: 300_000, quick: 20_000 });
const rounds = numberSetting({ env: 'BENCH_INGEST_ROUNDS', position: 1 }, { full: 3, quick: 1 });
const eventsPerBeacon = 10;
/** Beacons waiting for Kafka's acknowledgement at once: a busy edge (the figure of record), and a quieter one. */
const inFlightLevels = [2000, 200] as const;
const directBatchRows = 100_000;
const log = pino({ level: process.env.BENCH_LOG ?? 'silent' });

const hex32 = (n: number) => n.toString(16).padStart(32, '0');
const TYPES = ['play', 'heartbeat', 'heartbeat', 'stall', 'stall_end', 'heartbeat', 'bitrate_switch', 'heartbeat', 'pause', 'ended'] as const;

/** Round `round`'s events: sessions of 10 events over 50 videos, an hour ago, ids unique to the round. */
function roundEvents(round: number, count: number): PlaybackEventRecord[] {
  const base = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, n) => {
    const session = Math.floor(n / eventsPerBeacon);
    const i = n % eventsPerBeacon;
    const type = TYPES[i]!;
    return {
      eventId: hex32(round * 1e9 + n),
      sessionId: `r${round}s${session}`,
      videoId: `vid_${session % 50}`,
      viewerId: hex32(session % 10_000),
      country: ['FR', 'DE', 'US', 'GB', 'BR'][session % 5]!,
      type,
      at: base + session * 7 + i * 10_000,
      position: i * 10,
      bitrate: 1_000_000 * (1 + (session % 4)),
      rendition: '720p',
      ...(type === 'stall_end' ? { stallMs: 1500 } : {}),
      receivedAt: base + session * 7 + i * 10_000 + 50,
    };
  });
}

const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-ingest-'));
const ports = shiftedPorts(offset);
const ctx = stackContext(ports, { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: 'test-pull-secret-0123456789', minioUser: 't', minioPassword: 'tttttttt', secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' }, dataDir);
const runner = new StackRunner([kafkaComponent(ctx), clickhouseComponent(ctx)], ctx.logDir);
const clickhouse = openClickHouse(`http://127.0.0.1:${ports.clickhouseHttp}`, 600_000);
const kafka = new Kafka({ clientId: 'bench-ingest', brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING });
const scalar = async (query: string) => Number(Object.values((await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>())[0]!)[0]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A full collection before each side, so that no side's figures hold the garbage the one before left.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** Time this process spent in garbage collection so far (its pauses, from V8's gc entries), ms. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** CPU ms used so far by this process (producer and sink), the broker's JVM and ClickHouse, from /proc (by PID). */
async function cpuNow(): Promise<Record<CpuOwner, number>> {
  const self = process.cpuUsage();
  return {
    bench: (self.user + self.system) / 1000,
    kafka: await processGroupCpuMs(runner.pidOf('kafka')!),
    clickhouse: await processGroupCpuMs(runner.pidOf('clickhouse')!),
  };
}
const cpuOwners = ['bench', 'kafka', 'clickhouse'] as const;
type CpuOwner = (typeof cpuOwners)[number];

/** Waits (at most 2 min) until ClickHouse runs no merge, so neither side pays for the other's parts. */
async function mergesSettled(): Promise<void> {
  for (let i = 0; i < 240 && (await scalar('SELECT count() FROM system.merges')) > 0; i += 1) await sleep(500);
}

try {
  if (!(await kafkaTool.locate())) await kafkaTool.install((line) => console.log(`[provision] ${line}`));
  await runner.start();
  await migrateAnalytics(clickhouse);
  const producer = createPlaybackEventProducer(kafka, { log, timeoutMs: 10_000 });
  const sink = await startPlaybackEventsSink({ kafka, clickhouse, log });

  let publishedMs = 0;
  const viaKafka = async (records: PlaybackEventRecord[], beaconsInFlight: number): Promise<number> => {
    const target = sink.stats().rows + records.length;
    const startedAt = performance.now();
    let next = 0;
    const publisher = async () => {
      while (next < records.length) {
        const beacon = records.slice(next, (next += eventsPerBeacon));
        if ((await producer.publish(beacon)) !== 'sent') throw new Error('the producer dropped a beacon: Kafka did not acknowledge it');
      }
    };
    await Promise.all(Array.from({ length: beaconsInFlight }, publisher));
    publishedMs = performance.now() - startedAt;
    for (let i = 0; sink.stats().rows < target; i += 1) {
      if (i > 60_000) throw new Error(`the sink stored ${sink.stats().rows} of ${target} rows within 10 min`);
      await sleep(10);
    }
    return performance.now() - startedAt;
  };

  const direct = async (records: PlaybackEventRecord[]): Promise<number> => {
    const startedAt = performance.now();
    // Each insert's rows made for it, as the producer makes a beacon's, rather than all 300,000 row objects alive
    // for the whole side.
    for (let start = 0; start < records.length; start += directBatchRows) {
      await clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: records.slice(start, start + directBatchRows).map(toRow), format: 'JSONEachRow' });
    }
    return performance.now() - startedAt;
  };

  // Warm-up: topic leaders, the consumer group, both HTTP paths.
  const warm = roundEvents(999, 2_000);
  await viaKafka(warm, inFlightLevels[0]);
  await direct(warm);

  const samples: Record<string, number[]> = { direct: [], ...Object.fromEntries(inFlightLevels.map((level) => [`kafka${level}`, []])) };
  /** CPU µs per event of each process, per side, one sample a round. */
  const cpuSamples: Record<string, Record<CpuOwner, number[]>> = {};
  for (let round = 0; round < rounds; round += 1) {
    const records = roundEvents(round, events);
    const sides = ['direct', ...inFlightLevels.map((level) => `kafka${level}`)];
    const order = round % 2 === 0 ? sides.reverse() : sides;
    for (const side of order) {
      await mergesSettled();
      collectGarbage();
      await sleep(50); // the collection's entry is reported asynchronously
      const gcBefore = gcMs;
      const cpuBefore = await cpuNow();
      const ms = side === 'direct' ? await direct(records) : await viaKafka(records, Number(side.slice('kafka'.length)));
      const cpuAfter = await cpuNow();
      const sideGcMs = gcMs - gcBefore;
      samples[side]!.push((events / ms) * 1000);
      const cpu = (cpuSamples[side] ??= { bench: [], kafka: [], clickhouse: [] });
      for (const owner of cpuOwners) cpu[owner].push(((cpuAfter[owner] - cpuBefore[owner]) * 1000) / events);
      const cpuText = cpuOwners.map((owner) => `${owner} ${((cpuAfter[owner] - cpuBefore[owner]) / 1000).toFixed(2)} s`).join(', ');
      const published = side === 'direct' ? '' : ` (all acknowledged by Kafka after ${(publishedMs / 1000).toFixed(2)} s)`;
      console.log(`[analytics-ingest] round ${round + 1} ${side}: ${events} events stored in ${(ms / 1000).toFixed(2)} s${published} (${Math.round((events / ms) * 1000)} events/s); CPU ${cpuText} (bench GC pauses ${(sideGcMs / 1000).toFixed(2)} s); ${loadNote()}`);
    }
    const stored = await scalar(`SELECT uniqExact(event_id) FROM ${PLAYBACK_EVENTS_TABLE} WHERE session_id LIKE 'r${round}s%'`);
    if (stored !== events) throw new Error(`round ${round + 1}: ClickHouse holds ${stored} distinct events of ${events}`);
  }
  await producer.close();
  await sink.stop();

  const stats = sink.stats();
  const cpuNote = (side: string) => `CPU µs/event ${cpuOwners.map((owner) => `${owner} ${median(cpuSamples[side]![owner]).toFixed(1)}`).join(', ')}`;
  console.log(`[analytics-ingest] CPU µs per event, median of ${rounds} (bench = this process: producer and sink, or the direct insert):`);
  for (const side of Object.keys(cpuSamples)) console.log(`  ${side}: ${cpuNote(side)}`);
  const note = [
    `${events} events a side a round (beacons of ${eventsPerBeacon}; direct ${directBatchRows} rows an insert), alternating, median of ${rounds}`,
    `sink: ${stats.inserts} inserts, median ${Math.round(median(stats.insertMs))} ms`,
    loadNote(),
    modeNote,
  ].filter(Boolean).join('; ');
  const results: BenchResult[] = [
    ...inFlightLevels.map((level, i): BenchResult => ({
      name: `${quick ? 'analytics-ingest-quick' : 'analytics-ingest'}${i === 0 ? '' : `-${level}-in-flight`}`,
      value: median(samples[`kafka${level}`]!),
      unit: 'events/s',
      baseline: 'direct batched insert of the same rows',
      baselineValue: median(samples.direct!),
      better: 'higher',
      goal: { ratioAtLeast: 0.8 },
      notes: `${level} beacons in flight; ${cpuNote(`kafka${level}`)} vs direct ${cpuNote('direct')}; ${note}`,
    })),
  ];
  console.log(formatTable(resultHeaders, resultRows(results.map((r) => toStored('analytics-ingest', r, '')))));
  await writeResults('analytics-ingest', results);
} finally {
  await clickhouse.close();
  await runner.stop();
  await rm(dataDir, { recursive: true, force: true });
}
