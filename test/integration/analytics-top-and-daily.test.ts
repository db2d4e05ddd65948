import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybackEventRecord, TopVideos, VideoAnalytics } from '../../contracts/beacons.ts';
import { openClickHouse } from '../../origin/src/analytics/clickhouse.ts';
import { analyticsRoutes } from '../../origin/src/analytics/routes.ts';
import { toRow } from '../../origin/src/analytics/rows.ts';
import { ANALYTICS_DATABASE, analyticsMigrations, migrateAnalytics, PLAYBACK_DAILY_TABLE, PLAYBACK_EVENTS_TABLE } from '../../origin/src/analytics/schema.ts';
import { analyticsTopRoutes } from '../../origin/src/analytics/top-routes.ts';
import { stackContext } from '../../stack/component.ts';
import { clickhouseComponent } from '../../stack/components/clickhouse.ts';
import { StackRunner } from '../../stack/runner.ts';
import { clickhouseTool } from '../../stack/tools/clickhouse.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';

// ClickHouse HTTP 33623 / TCP 34509: clear of the defaults and of the other tests' stacks.
const ports = await testPorts(import.meta.url);
const dataDir = mkdtempSync(join(tmpdir(), 'vora-analytics-daily-'));
const ctx = stackContext(ports, fakeSecrets(), dataDir);
const log = pino({ level: 'silent' });
const clickhouse = openClickHouse(`http://127.0.0.1:${ports.clickhouseHttp}`, 5_000);
let runner: StackRunner | undefined;

const origin = new Hono();
origin.route('/v1/videos', analyticsRoutes({ clickhouse, log }));
origin.route('/v1/analytics', analyticsTopRoutes({ clickhouse, log }));

const D1 = Date.UTC(2026, 0, 10);
const D2 = D1 + 86_400_000;
const D3 = D2 + 86_400_000;
let serial = 0;
const ev = (videoId: string, sessionId: string, type: PlaybackEventRecord['type'], at: number): PlaybackEventRecord => ({
  eventId: (serial++).toString(16).padStart(32, '0'), videoId, sessionId, viewerId: 'f'.repeat(32), country: 'FR', type, at, position: 0, receivedAt: at,
});
const insert = (events: PlaybackEventRecord[]) => clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: events.map(toRow), format: 'JSONEachRow' });
const hour = (day: number, h: number) => day + h * 3_600_000;

// Stored before the daily view exists (the migration's backfill must count them): vA s1 and s2 on D1.
const before = [ev('vA', 's1', 'play', hour(D1, 8)), ev('vA', 's1', 'ended', hour(D1, 8) + 60_000), ev('vA', 's2', 'play', hour(D1, 9))];
// After: vA s3 crosses midnight (counts on D1 and D2), s4 on D2; vB two sessions on D1; vC one session on D2 that never plays.
const after = [
  ev('vA', 's3', 'play', D2 - 10_000), ev('vA', 's3', 'heartbeat', D2 + 10_000),
  ev('vA', 's4', 'play', hour(D2, 15)),
  ev('vB', 'b1', 'play', hour(D1, 10)), ev('vB', 'b2', 'play', hour(D1, 20)), ev('vB', 'b2', 'pause', hour(D1, 20) + 5_000),
  ev('vC', 'c1', 'stall', hour(D2, 1)), ev('vC', 'c1', 'error', hour(D2, 1) + 3_000),
];

async function get<T>(path: string): Promise<T> {
  const response = await origin.request(path);
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

describe('daily aggregate (materialized view), top videos and views per day on ClickHouse 18.16', () => {
  beforeAll(async () => {
    if (!(await clickhouseTool.locate())) throw new Error(`ClickHouse missing: ${clickhouseTool.fix}`);
    // The server comes up without a schema (the origin owns it): version 1 only, rows, then the rest as an upgrade would.
    runner = new StackRunner([clickhouseComponent(ctx)], ctx.logDir);
    const startedAt = Date.now();
    await runner.start();
    console.log(`[analytics-daily] clickhouse ready in ${Date.now() - startedAt} ms`);
    await clickhouse.command({ query: `CREATE DATABASE IF NOT EXISTS ${ANALYTICS_DATABASE}` });
    await clickhouse.command({ query: `CREATE TABLE ${ANALYTICS_DATABASE}.schema_versions (version UInt32, applied_at DateTime) ENGINE = TinyLog` });
    for (const statement of analyticsMigrations[0]!.statements) await clickhouse.command({ query: statement });
    await clickhouse.insert({ table: `${ANALYTICS_DATABASE}.schema_versions`, values: [{ version: 1, applied_at: 0 }], format: 'JSONEachRow' });
    await insert(before);
  }, 120_000);

  afterAll(async () => {
    await clickhouse.close();
    await runner?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('applies the daily view as version 2 on the real server, backfilling the rows already stored', async () => {
    expect(await migrateAnalytics(clickhouse)).toEqual([2]);
    expect(await migrateAnalytics(clickhouse)).toEqual([]);
    await insert(after);
    await insert(before.slice(0, 1)); // a replayed delivery: same event id again
  });

  it('sums sessions (distinct, duplicates ignored), sessions that played, and deliveries per video and day', async () => {
    const result = await clickhouse.query({
      query: `SELECT video_id, toString(day) AS day, uniqExactMerge(sessions) AS sessions, uniqExactIfMerge(played) AS played, countMerge(events) AS events
        FROM ${PLAYBACK_DAILY_TABLE} GROUP BY video_id, day ORDER BY video_id, day`,
      format: 'JSONEachRow',
    });
    expect((await result.json<Record<string, string | number>>()).map((r) => [r.video_id, r.day, Number(r.sessions), Number(r.played), Number(r.events)])).toEqual([
      ['vA', '2026-01-10', 3, 3, 5], // s1 s2 s3; 3 backfilled + s3's play + the replayed s1 play
      ['vA', '2026-01-11', 2, 1, 2], // s3 (heartbeat only, after midnight) and s4
      ['vB', '2026-01-10', 2, 2, 3],
      ['vC', '2026-01-11', 1, 0, 2],
    ]);
  });

  it('GET /v1/analytics/top over whole days reads the view: by views, then id; limit applies', async () => {
    const top = await get<TopVideos>(`/v1/analytics/top?from=${D1}&to=${D3}`);
    expect(top.source).toBe('daily');
    expect(top.videos).toEqual([
      { videoId: 'vA', views: 4, plays: 4 }, // s3 counted once across both days
      { videoId: 'vB', views: 2, plays: 2 },
      { videoId: 'vC', views: 1, plays: 0 },
    ]);
    expect((await get<TopVideos>(`/v1/analytics/top?from=${D2}&to=${D3}&limit=2`)).videos).toEqual([
      { videoId: 'vA', views: 2, plays: 1 },
      { videoId: 'vC', views: 1, plays: 0 },
    ]);
  });

  it('GET /v1/analytics/top over part of a day reads raw events, and agrees with the view on the same data', async () => {
    const partial = await get<TopVideos>(`/v1/analytics/top?from=${hour(D1, 9)}&to=${hour(D2, 12)}`);
    expect(partial.source).toBe('events');
    expect(partial.videos).toEqual([
      { videoId: 'vA', views: 2, plays: 2 }, // s2 and s3
      { videoId: 'vB', views: 2, plays: 2 },
      { videoId: 'vC', views: 1, plays: 0 },
    ]);
    const raw = await get<TopVideos>(`/v1/analytics/top?from=${D1}&to=${D3 - 1000}`);
    expect(raw.source).toBe('events');
    expect(raw.videos).toEqual((await get<TopVideos>(`/v1/analytics/top?from=${D1}&to=${D3}`)).videos);
  });

  it('refuses a bad limit or an empty range with 400', async () => {
    expect((await origin.request('/v1/analytics/top?limit=0')).status).toBe(400);
    expect((await origin.request('/v1/analytics/top?limit=101')).status).toBe(400);
    expect((await origin.request(`/v1/analytics/top?from=${D2}&to=${D1}`)).status).toBe(400);
  });

  it('GET /v1/videos/:id/analytics has views per day, from the view or the raw table alike, with empty days', async () => {
    const whole = await get<VideoAnalytics>(`/v1/videos/vA/analytics?from=${D1}&to=${D3 + 86_400_000}`);
    expect(whole.views).toBe(4);
    expect(whole.viewsByDay).toEqual([{ day: '2026-01-10', views: 3 }, { day: '2026-01-11', views: 2 }, { day: '2026-01-12', views: 0 }]);
    const partial = await get<VideoAnalytics>(`/v1/videos/vA/analytics?from=${hour(D1, 9)}&to=${hour(D2, 12)}`);
    expect(partial.viewsByDay).toEqual([{ day: '2026-01-10', views: 2 }, { day: '2026-01-11', views: 1 }]);
  });
});
