import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeaconEventType, type PlaybackEventRecord } from '../../contracts/beacons.ts';
import { openClickHouse, sqlString } from '../../origin/src/analytics/clickhouse.ts';
import { PLAYING_EVENTS, summarySql, type AnalyticsRange } from '../../origin/src/analytics/metrics.ts';
import { toRow } from '../../origin/src/analytics/rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from '../../origin/src/analytics/schema.ts';
import { stackContext } from '../../stack/component.ts';
import { clickhouseComponent } from '../../stack/components/clickhouse.ts';
import { StackRunner } from '../../stack/runner.ts';
import { clickhouseTool } from '../../stack/tools/clickhouse.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';

const ports = await testPorts(import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'vora-analytics-summary-'));
const ctx = stackContext(ports, fakeSecrets(), dataDir);
const clickhouse = openClickHouse(`http://127.0.0.1:${ports.clickhouseHttp}`, 30_000);
let runner: StackRunner | undefined;

/**
 * The oracle: the summary as it was before issue #23, deduplicated by `FINAL` (ReplacingMergeTree's key ends with
 * the event id). The product query must give the very same answer without FINAL.
 */
function summaryWithFinalSql(videoId: string, range: AnalyticsRange): string {
  const playing = `[${PLAYING_EVENTS.map((type) => `'${type}'`).join(', ')}]`;
  return `SELECT count() AS views, uniqExact(viewer) AS uniqueViewers, sum(play_ms) AS playMs, sum(stalled_ms) AS stallMs,
  quantilesExactIf(0.5, 0.95)(startup_ms, played) AS startup, countIf(played) AS started, sum(error_count) AS errors,
  sum(bitrate_sum) AS bitrateSum, sum(bitrate_n) AS bitrateN
FROM (
  SELECT session_id, any(viewer_id) AS viewer,
    arraySort(groupArray(at_ms)) AS ats,
    arraySort((t, a) -> a, groupArray(type), groupArray(at_ms)) AS types,
    arraySum(arrayMap(i -> if(has(${playing}, types[i]), ats[i + 1] - ats[i], 0), arrayEnumerate(arrayPopBack(ats)))) AS play_ms,
    sumIf(stall_ms, type = 'stall_end') AS stalled_ms,
    countIf(type = 'play') > 0 AS played,
    toInt64(minIf(at_ms, type = 'play')) - toInt64(min(at_ms)) AS startup_ms,
    countIf(type = 'error') AS error_count,
    sumIf(bitrate, bitrate > 0) AS bitrate_sum,
    countIf(bitrate > 0) AS bitrate_n
  FROM ${PLAYBACK_EVENTS_TABLE} FINAL
  WHERE video_id = ${sqlString(videoId)} AND at >= toDateTime(${Math.floor(range.from / 1000)}) AND at < toDateTime(${Math.ceil(range.to / 1000)})
  GROUP BY session_id
)`;
}


const DAY_MS = 86_400_000;
const D0 = Date.UTC(2026, 1, 3);
const videos = ['vid_sum_a', 'vid_sum_b', 'vid_sum_c'];
const types = BeaconEventType.options;
/** As the edge makes them (edge/src/beacon/enrich.ts): a resent event has the same id. */
const eventIdOf = (sessionId: string, type: string, at: number, position: number) => createHash('sha256').update(`${sessionId}\n${type}\n${at}\n${position}`).digest('hex').slice(0, 32);

/** 400 sessions over three days (some cross midnight), 1–16 events each, strictly increasing times within a session. */
function sessions(random: () => number): PlaybackEventRecord[] {
  const events: PlaybackEventRecord[] = [];
  for (let s = 0; s < 400; s += 1) {
    const sessionId = `sum${s}`;
    const videoId = videos[s % videos.length]!;
    const viewerId = createHash('md5').update(`viewer${Math.floor(random() * 150)}`).digest('hex');
    let at = D0 + Math.floor(random() * 3 * DAY_MS - 60_000);
    const count = 1 + Math.floor(random() * 16);
    for (let i = 0; i < count; i += 1) {
      at += 1 + Math.floor(random() * 20_000);
      const type = i === 0 && random() < 0.7 ? 'play' : types[Math.floor(random() * types.length)]!;
      const position = i * 10;
      events.push({
        eventId: eventIdOf(sessionId, type, at, position), sessionId, videoId, viewerId, country: 'FR', type, at, position,
        ...(random() < 0.8 ? { bitrate: 500_000 * (1 + Math.floor(random() * 8)) } : {}),
        ...(type === 'stall_end' ? { stallMs: Math.floor(random() * 5_000) } : {}),
        ...(type === 'error' ? { code: 'networkError' } : {}),
        receivedAt: at + 100,
      });
    }
  }
  return events;
}

const answer = async (query: string) => (await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>())[0];
const ranges: Array<[string, AnalyticsRange]> = [
  ['all three days', { from: D0 - DAY_MS, to: D0 + 4 * DAY_MS }],
  ['one whole day', { from: D0 + DAY_MS, to: D0 + 2 * DAY_MS }],
  ['a range that cuts sessions in two', { from: D0 + 30 * 3_600_000 + 12_345, to: D0 + 50 * 3_600_000 + 999 }],
];

describe('the analytics summary counts each event once, without FINAL (ClickHouse 18.16)', () => {
  const random = seededRandom(23); // the same "random" sessions on every run, so a difference can be replayed
  const events = sessions(random);
  // Four inserts, so four parts per day that FINAL has to merge: the events, exact copies of a third of them
  // (a replayed Kafka batch), copies of a fifth resent by the player and received again later, and a few of
  // those again, plus the copies of one whole session in a batch of their own.
  const replayed = events.filter(() => random() < 0.33);
  const resent = events.filter(() => random() < 0.2).map((event) => ({ ...event, receivedAt: event.receivedAt + 3_600_000 }));
  const again = resent.filter(() => random() < 0.3);
  const wholeSession = events.filter((event) => event.sessionId === 'sum7');

  beforeAll(async () => {
    if (!(await clickhouseTool.locate())) throw new Error(`ClickHouse missing: ${clickhouseTool.fix}`);
    runner = new StackRunner([clickhouseComponent(ctx)], ctx.logDir);
    await runner.start();
    await migrateAnalytics(clickhouse);
    for (const batch of [events, replayed, resent, [...again, ...wholeSession]]) {
      await clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: batch.map(toRow), format: 'JSONEachRow' });
    }
  }, 120_000);

  afterAll(async () => {
    await clickhouse.close();
    await runner?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('the table really holds duplicates (not yet merged away)', async () => {
    const stored = await answer(`SELECT count() AS rows, uniqExact(event_id) AS ids FROM ${PLAYBACK_EVENTS_TABLE}`);
    expect(Number(stored!.ids)).toBe(new Set(events.map((event) => event.eventId)).size);
    expect(Number(stored!.rows)).toBe(events.length + replayed.length + resent.length + again.length + wholeSession.length);
  });

  it('gives the same answer as the FINAL query, for every video and range, before and after the copies are merged away', async () => {
    const compare = async () => {
      for (const videoId of videos) {
        for (const [what, range] of ranges) {
          const expected = await answer(summaryWithFinalSql(videoId, range));
          expect(Number(expected!.views), `${videoId}, ${what}: sessions to compare`).toBeGreaterThan(10);
          expect(await answer(summarySql(videoId, range)), `${videoId}, ${what}`).toEqual(expected);
        }
      }
    };
    await compare();
    const partitions = await (await clickhouse.query({ query: `SELECT DISTINCT partition FROM system.parts WHERE database = 'vora' AND table = 'playback_events' AND active`, format: 'JSONEachRow' })).json<{ partition: string }>();
    for (const { partition } of partitions) await clickhouse.command({ query: `OPTIMIZE TABLE ${PLAYBACK_EVENTS_TABLE} PARTITION ${partition} FINAL` });
    const merged = await answer(`SELECT count() AS rows FROM ${PLAYBACK_EVENTS_TABLE}`);
    expect(Number(merged!.rows)).toBe(new Set(events.map((event) => event.eventId)).size);
    await compare();
  });
});
