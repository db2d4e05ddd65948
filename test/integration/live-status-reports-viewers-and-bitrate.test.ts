/**
 * `GET /v1/live-inputs/:id` says what is happening now: the publisher's bitrate from the real ingest's stat page
 * (nginx-rtmp as `npm start` renders it, FFmpeg publishing at a known constant bitrate), and current viewers from
 * beacon sessions in the real ClickHouse (playing sessions heard in the last 45 s, stopped ones not counted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybackEventRecord } from '../../contracts/beacons.ts';
import { openClickHouse } from '../../origin/src/analytics/clickhouse.ts';
import { toRow } from '../../origin/src/analytics/rows.ts';
import { migrateAnalytics, PLAYBACK_EVENTS_TABLE } from '../../origin/src/analytics/schema.ts';
import { getLiveInput } from '../../origin/src/live/live-input-rows.ts';
import { liveNowReader } from '../../origin/src/live/live-now.ts';
import { stackContext } from '../../stack/component.ts';
import { clickhouseComponent } from '../../stack/components/clickhouse.ts';
import { ingestComponent } from '../../stack/components/ingest.ts';
import { StackRunner } from '../../stack/runner.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startLiveOrigin, type LiveOrigin } from './support/live-origin.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';

const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
const rtmpBase = `rtmp://127.0.0.1:${ports.ingestRtmp}/live`;
const dataDir = mkdtempSync(join(tmpdir(), 'vora-live-now-'));
const ctx = stackContext(ports, secrets, dataDir);
const clickhouse = openClickHouse(`http://127.0.0.1:${ports.clickhouseHttp}`, 5_000);
let origin: LiveOrigin;
let runner: StackRunner;
let api: OperatorApi;
let publisher: Publisher | undefined;

beforeAll(async () => {
  origin = await startLiveOrigin({
    ingestSecret: secrets.internalSecret,
    rtmpUrl: rtmpBase,
    liveNow: (log) => liveNowReader({ statUrls: [`http://127.0.0.1:${ports.ingestStat}/stat`], clickhouse, log }),
  });
  api = operatorApi(origin.url, 'unused');
  runner = new StackRunner([clickhouseComponent(ctx), ingestComponent(ctx, { originUrl: origin.url })], join(dataDir, 'logs'));
  await runner.start();
  await migrateAnalytics(clickhouse);
}, 120_000);

afterAll(async () => {
  await publisher?.stop();
  await runner?.stop(10_000);
  await origin?.close();
  await clickhouse.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const read = async (id: string): Promise<Json> => (await api(`/v1/live-inputs/${id}`)).body;

let serial = 0;
const beacon = (inputId: string, sessionId: string, type: PlaybackEventRecord['type'], receivedAt: number): PlaybackEventRecord => ({
  eventId: (serial++).toString(16).padStart(32, '0'), videoId: inputId, sessionId, viewerId: 'a'.repeat(32), country: '', type, at: receivedAt - 150, position: 1, receivedAt,
});
const store = (events: PlaybackEventRecord[]) => clickhouse.insert({ table: PLAYBACK_EVENTS_TABLE, values: events.map(toRow), format: 'JSONEachRow' });

describe('live input status: what is happening now', () => {
  it("reports the publisher's bitrate from the ingest's stat page while it sends, and none after it left", async () => {
    const { body: input } = await api('/v1/live-inputs', { method: 'POST', body: { title: 'bitrate' } });
    expect(input).toMatchObject({ status: 'idle', currentViewers: null, currentBitrate: null });

    // 500 kbit/s of CBR video + 64 kbit/s AAC (+ FLV framing).
    publisher = publishTestSource(`${rtmpBase}/${input.streamKey}`, { seconds: 60, videoKbps: 500 });
    const startedAt = Date.now();
    const first = await waitFor(async () => {
      const body = await read(input.id);
      return body.status === 'live' && body.currentBitrate !== null ? body : undefined;
    }, { what: 'a bitrate in the live status', timeoutMs: 20_000 });
    console.log(`[live-now] first bitrate ${first.currentBitrate} bit/s, ${Date.now() - startedAt} ms after FFmpeg started (average since the start)`);
    expect(first.currentBitrate).toBeGreaterThan(564_000 * 0.5);
    expect(first.currentBitrate).toBeLessThan(564_000 * 2);

    // nginx's own 10 s average, once it has one (its first window closes 10 s after the publish).
    const settled = await waitFor(async () => {
      const body = await read(input.id);
      return Date.now() - startedAt > 13_000 ? body : undefined;
    }, { what: "nginx's first 10 s bandwidth window", timeoutMs: 25_000 });
    console.log(`[live-now] settled bitrate ${settled.currentBitrate} bit/s`);
    expect(settled.currentBitrate).toBeGreaterThan(564_000 * 0.8);
    expect(settled.currentBitrate).toBeLessThan(564_000 * 1.3);
    expect(settled.currentViewers).toBe(0);

    await publisher.stop();
    const left = await waitFor(async () => {
      const body = await read(input.id);
      return body.status === 'reconnecting' ? body : undefined;
    }, { what: 'the input to wait for its publisher', timeoutMs: 15_000 });
    expect(left.currentBitrate).toBeNull();
  }, 90_000);

  it('counts beacon sessions playing in the last 45 s, not stopped, stale or other inputs\' sessions', async () => {
    const { body: input } = await api('/v1/live-inputs', { method: 'POST', body: { title: 'viewers' } });
    // Viewers are counted while the input is on; the row is moved there as a publish would (no publisher: no bitrate).
    await origin.sql.query(`UPDATE live_inputs SET status = 'live', broadcasts = 1 WHERE id = $1`, [input.id]);
    const now = Date.now();
    await store([
      beacon(input.id, 's_watching', 'play', now - 20_000), beacon(input.id, 's_watching', 'heartbeat', now - 1_000),
      beacon(input.id, 's_joined', 'play', now - 2_000),
      beacon(input.id, 's_paused', 'play', now - 10_000), beacon(input.id, 's_paused', 'pause', now - 5_000),
      beacon(input.id, 's_errored', 'play', now - 10_000), beacon(input.id, 's_errored', 'error', now - 4_000),
      // Last heard 2 minutes ago: its tab is gone (a playing page heartbeats every 30 s).
      beacon(input.id, 's_stale', 'heartbeat', now - 120_000),
      beacon('live_someoneelse', 's_other', 'play', now - 1_000),
    ]);
    expect(await read(input.id)).toMatchObject({ status: 'live', currentViewers: 2, currentBitrate: null });
    expect((await api('/v1/live-inputs')).body.liveInputs.find((item: Json) => item.id === input.id)).toMatchObject({ currentViewers: 2 });

    await store([beacon(input.id, 's_joined', 'ended', Date.now())]);
    expect((await read(input.id)).currentViewers).toBe(1);

    await origin.sql.query(`UPDATE live_inputs SET status = 'ended' WHERE id = $1`, [input.id]);
    expect(await read(input.id)).toMatchObject({ currentViewers: null, currentBitrate: null });
  });

  it('answers with unknown viewers and bitrate, not an error, when the stat page and ClickHouse cannot be read', async () => {
    const lines: string[] = [];
    const readNow = liveNowReader({
      statUrls: [`http://127.0.0.1:${ports.ingestStat}/not-stat`],
      clickhouse: openClickHouse('http://127.0.0.1:9', 1_000),
      log: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
      timeoutMs: 1_000,
    });
    const { rows } = await origin.sql.query<{ id: string }>(`SELECT id FROM live_inputs LIMIT 1`);
    const input = (await getLiveInput(origin.sql, rows[0]!.id))!;
    const now = await readNow([{ ...input, status: 'live', publisher: { clientId: '1', keyHash: 'x', addr: '', since: '' } }]);
    expect(now.get(input.id)).toEqual({ currentViewers: null, currentBitrate: null });
    expect(lines.join('')).toContain('ingest_stat_unreadable');
    expect(lines.join('')).toContain('live_viewers_unreadable');
  });
});
