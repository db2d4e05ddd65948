// Retention archives a day of playback events to MinIO before it drops it, and the archive restores it whole:
// real ClickHouse 18.16 and real MinIO.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybackEventRecord } from '../../contracts/beacons.ts';
import { archiveKey, restoreDay } from '../../origin/src/analytics/archive.ts';
import { analyticsArchiveRoutes } from '../../origin/src/analytics/archive-routes.ts';
import { openClickHouse } from '../../origin/src/analytics/clickhouse.ts';
import { archiveThenDropExpired } from '../../origin/src/analytics/retention.ts';
import { toRow } from '../../origin/src/analytics/rows.ts';
import { migrateAnalytics, PLAYBACK_DAILY_TABLE, PLAYBACK_EVENTS_TABLE } from '../../origin/src/analytics/schema.ts';
import { stackContext } from '../../stack/component.ts';
import { clickhouseComponent } from '../../stack/components/clickhouse.ts';
import { minioClient, minioComponent } from '../../stack/components/minio.ts';
import { StackRunner } from '../../stack/runner.ts';
import { clickhouseTool } from '../../stack/tools/clickhouse.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';

const ports = await testPorts(import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'vora-analytics-archive-'));
const ctx = stackContext(ports, fakeSecrets(), dataDir);
const log = pino({ level: 'silent' });
const clickhouse = openClickHouse(`http://127.0.0.1:${ports.clickhouseHttp}`, 10_000);
const s3 = minioClient(ctx);
const BUCKET = 'vora-archive';
let runner: StackRunner | undefined;

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 5, 30, 12);
const OLD = Date.UTC(2026, 0, 10); // past a 90-day retention at NOW
const OLDER = OLD - DAY_MS;
const RECENT = NOW - 2 * DAY_MS;
let serial = 0;
const ev = (videoId: string, sessionId: string, type: PlaybackEventRecord['type'], at: number): PlaybackEventRecord => ({
  eventId: (serial++).toString(16).padStart(32, '0'), videoId, sessionId, viewerId: 'f'.repeat(32), country: 'FR', type, at, position: 1.5, bitrate: 800_000, rendition: '360p', receivedAt: at,
});
/** N events of one day, spread over the day, across a few videos and sessions. */
const dayOfEvents = (day: number, count: number) => Array.from({ length: count }, (_, i) => ev(`v${i % 3}`, `s${i % 7}`, i % 5 === 0 ? 'play' : 'heartbeat', day + i * 60_000 + 123));

async function rowsOf(day: number): Promise<Array<Record<string, unknown>>> {
  const result = await clickhouse.query({
    query: `SELECT event_id, video_id, session_id, type, at_ms, position, bitrate, rendition FROM ${PLAYBACK_EVENTS_TABLE} WHERE toDate(at) = toDate('${new Date(day).toISOString().slice(0, 10)}') ORDER BY event_id`,
    format: 'JSONEachRow',
  });
  return result.json();
}
const partitions = async () => {
  const result = await clickhouse.query({ query: `SELECT DISTINCT partition FROM system.parts WHERE database = 'vora' AND table = 'playback_events' AND active ORDER BY partition`, format: 'JSONEachRow' });
  return (await result.json<{ partition: string }>()).map((row) => row.partition);
};
const dailyEvents = async (day: number) => {
  const result = await clickhouse.query({ query: `SELECT countMerge(events) AS events FROM ${PLAYBACK_DAILY_TABLE} WHERE day = toDate('${new Date(day).toISOString().slice(0, 10)}')`, format: 'JSONEachRow' });
  return Number((await result.json<{ events: string }>())[0]?.events ?? 0);
};

beforeAll(async () => {
  if (!(await clickhouseTool.locate())) throw new Error(`ClickHouse missing: ${clickhouseTool.fix}`);
  runner = new StackRunner([clickhouseComponent(ctx), minioComponent(ctx)], ctx.logDir);
  const startedAt = Date.now();
  await runner.start();
  console.log(`[analytics-archive] clickhouse + minio ready in ${Date.now() - startedAt} ms`);
  await migrateAnalytics(clickhouse);
  const insert = (events: PlaybackEventRecord[]) => clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: events.map(toRow), format: 'JSONEachRow' });
  await insert(dayOfEvents(OLDER, 40));
  await insert(dayOfEvents(OLD, 500));
  await insert(dayOfEvents(RECENT, 25));
}, 180_000);

afterAll(async () => {
  await clickhouse.close();
  s3.destroy();
  await runner?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('archive before drop', () => {
  let oldRows: Array<Record<string, unknown>> = [];

  it('exports each expired day to one gzip\'d file in MinIO, then drops only those partitions', async () => {
    oldRows = await rowsOf(OLD);
    expect(oldRows).toHaveLength(500);
    const dailyBefore = await dailyEvents(OLD);

    const outcome = await archiveThenDropExpired({ clickhouse, s3, bucket: BUCKET, log }, 90, NOW);
    expect(outcome.kept).toEqual([]);
    expect(outcome.dropped.map((d) => [d.partition, d.archive.key, d.archive.rows])).toEqual([
      ['20260109', 'analytics/playback_events/2026-01-09.native.gz', 40],
      ['20260110', 'analytics/playback_events/2026-01-10.native.gz', 500],
    ]);
    expect(await partitions()).toEqual([new Date(RECENT).toISOString().slice(0, 10).replaceAll('-', '')]);
    expect(await rowsOf(OLD)).toEqual([]);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: archiveKey('2026-01-10') }));
    expect(head.Metadata?.rows).toBe('500');
    const bytes = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: archiveKey('2026-01-10') }))).Body!.transformToByteArray();
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
    expect(bytes.length).toBe(head.ContentLength);
    expect(await dailyEvents(OLD)).toBe(dailyBefore); // the daily aggregate is not retention's to touch
  });

  it('`POST /v1/analytics/archive/restore` brings the day back, row for row, once however often it runs', async () => {
    const app = new Hono().route('/v1/analytics/archive', analyticsArchiveRoutes({ clickhouse, s3, bucket: BUCKET, log }));
    const dailyBefore = await dailyEvents(OLD);
    const restore = () => app.request('/v1/analytics/archive/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ day: '2026-01-10' }) });
    const first = await restore();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ day: '2026-01-10', bucket: BUCKET, key: archiveKey('2026-01-10'), restored: 500, archived: 500 });
    expect(await rowsOf(OLD)).toEqual(oldRows);

    expect(await (await restore()).json()).toMatchObject({ restored: 500, archived: 500 });
    expect(await rowsOf(OLD)).toEqual(oldRows);
    expect(await dailyEvents(OLD)).toBe(dailyBefore); // a restore does not count the events into the daily view again
    expect((await rowsOf(RECENT)).length).toBe(25);
  });

  it('names a day with no archive (404) and a malformed day (400)', async () => {
    const app = new Hono().route('/v1/analytics/archive', analyticsArchiveRoutes({ clickhouse, s3, bucket: BUCKET, log }));
    const post = (day: string) => app.request('/v1/analytics/archive/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ day }) });
    const missing = await post('2025-12-31');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toMatch(/no archive of 2025-12-31/);
    expect((await post('2026-02-30')).status).toBe(400);
    await expect(restoreDay({ clickhouse, s3, bucket: BUCKET }, '20260110')).rejects.toThrow(/YYYY-MM-DD/);
  });
});
