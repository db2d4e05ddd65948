import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BeaconBatch, PLAYBACK_EVENTS_ROWS_HEADER, type PlaybackEventRecord } from '../../contracts/beacons.ts';
import { sqlString } from '../../origin/src/analytics/clickhouse.ts';
import { rebufferRatio, sessionPlayMs, summarySql, toVideoAnalytics } from '../../origin/src/analytics/metrics.ts';
import { analyticsRange } from '../../origin/src/analytics/routes.ts';
import { gzipLines, isGzip, playbackEventMessage, rowLine, rowsFromMessages, rowsInMessage, toRow, writeRowLines } from '../../origin/src/analytics/rows.ts';
import { retentionCutoff } from '../../origin/src/analytics/schema.ts';

const record = (overrides: Partial<PlaybackEventRecord> = {}): PlaybackEventRecord => ({
  eventId: '0123456789abcdef0123456789abcdef',
  sessionId: 's1',
  videoId: 'v1',
  viewerId: 'fedcba9876543210fedcba9876543210',
  country: 'FR',
  type: 'play',
  at: 1_767_225_600_123,
  position: 0,
  receivedAt: 1_767_225_601_000,
  ...overrides,
});

describe('metric formulas (hand-checked)', () => {
  it('rebuffering ratio is stall / (stall + play), and 0 with neither', () => {
    expect(rebufferRatio(2000, 38000)).toBe(0.05);
    expect(rebufferRatio(0, 0)).toBe(0);
    expect(rebufferRatio(1000, 0)).toBe(1);
  });

  it('play time counts from play, stall_end, heartbeat and bitrate_switch to the next event only', () => {
    const script = [
      { type: 'stall', at: 0 },
      { type: 'play', at: 800 },
      { type: 'heartbeat', at: 10_800 },
      { type: 'stall', at: 20_800 },
      { type: 'stall_end', at: 22_800 },
      { type: 'pause', at: 25_800 },
      { type: 'play', at: 40_000 },
      { type: 'ended', at: 45_000 },
    ];
    // 10 000 + 10 000 + 0 (stalled) + 3 000 + 0 (paused) + 5 000; order of arrival does not matter.
    expect(sessionPlayMs(script.reverse())).toBe(28_000);
    expect(sessionPlayMs([{ type: 'play', at: 5 }])).toBe(0);
  });

  it('turns ClickHouse totals (64-bit integers as strings) into the API shape', () => {
    const range = { from: 0, to: 86_400_000 };
    const row = { views: '3', uniqueViewers: '2', playMs: '39000', stallMs: '2000', startup: ['800', '2000'], started: '3', errors: '1', bitrateSum: '14000000', bitrateN: '6' };
    const analytics = toVideoAnalytics('v1', range, row, [{ country: 'FR', views: '2' }]);
    expect(analytics).toMatchObject({ views: 3, uniqueViewers: 2, watchSeconds: 39, averageViewSeconds: 13, startupMs: { p50: 800, p95: 2000 }, errors: 1, byCountry: [{ country: 'FR', views: 2 }] });
    expect(analytics.rebufferRatio).toBeCloseTo(2000 / 41000, 10);
    expect(analytics.bitrateAverage).toBeCloseTo(14e6 / 6, 6);
    const empty = toVideoAnalytics('v1', range, { ...row, views: '0', playMs: '0', stallMs: '0', started: '0', bitrateN: '0' }, []);
    expect(empty).toMatchObject({ averageViewSeconds: 0, startupMs: { p50: null, p95: null }, rebufferRatio: 0, bitrateAverage: null });
  });
});

describe('beacon validation', () => {
  const ok = { sessionId: 's1', videoId: 'v1', events: [{ type: 'play', at: 1_767_225_600_000, position: 0 }] };
  it('accepts a well-formed batch and refuses unknown types, fields and oversize batches', () => {
    expect(BeaconBatch.safeParse(ok).success).toBe(true);
    expect(BeaconBatch.safeParse({ ...ok, events: [{ type: 'rewind', at: 1, position: 0 }] }).success).toBe(false);
    expect(BeaconBatch.safeParse({ ...ok, clientIp: '1.2.3.4' }).success).toBe(false);
    expect(BeaconBatch.safeParse({ ...ok, videoId: "v1' OR 1=1" }).success).toBe(false);
    expect(BeaconBatch.safeParse({ ...ok, events: Array.from({ length: 101 }, () => ok.events[0]) }).success).toBe(false);
    expect(BeaconBatch.safeParse({ ...ok, events: [{ type: 'play', at: 1, position: -1 }] }).success).toBe(false);
  });
});

describe('rows for ClickHouse', () => {
  it('keeps the first copy of an event id, counts undecodable messages and maps fields', () => {
    const values = [JSON.stringify(record()), JSON.stringify(record()), 'not json', JSON.stringify({ ...record(), eventId: 'short' }), JSON.stringify(record({ eventId: 'a'.repeat(32), type: 'stall_end', stallMs: 400 }))];
    const { rows, invalid } = rowsFromMessages(values);
    expect(invalid).toBe(2);
    expect(rows.map((row) => row.event_id)).toEqual(['0123456789abcdef0123456789abcdef', 'a'.repeat(32)]);
    expect(rows[0]).toMatchObject({ at: 1_767_225_600, at_ms: 1_767_225_600_123, bitrate: 0, rendition: '', stall_ms: 0, received_at: 1_767_225_601 });
    expect(rows[1]!.stall_ms).toBe(400);
  });

  it('the producer writes each event as its ClickHouse row; the check reads rows and records alike and refuses broken rows', () => {
    const line = rowLine(record({ bitrate: 2_000_000 }));
    expect(JSON.parse(line)).toEqual({ ...toRow(record({ bitrate: 2_000_000 })) });
    expect(JSON.parse(line)).toMatchObject({ event_id: '0123456789abcdef0123456789abcdef', video_id: 'v1', at: 1_767_225_600, at_ms: 1_767_225_600_123, bitrate: 2_000_000 });
    const legacy = JSON.stringify(record({ eventId: 'b'.repeat(32) }));
    const broken = JSON.stringify({ ...JSON.parse(line), event_id: 'c'.repeat(32), video_id: "v1' OR 1=1" });
    const unknownField = JSON.stringify({ ...JSON.parse(line), event_id: 'd'.repeat(32), ip: '1.2.3.4' });
    const { rows, invalid } = rowsFromMessages([Buffer.from(line), legacy, broken, unknownField, null]);
    expect(rows.map((row) => row.event_id)).toEqual(['0123456789abcdef0123456789abcdef', 'b'.repeat(32)]);
    expect(rows[1]).toEqual(toRow(record({ eventId: 'b'.repeat(32) })));
    expect(invalid).toBe(3);
  });

  it('a send is one gzipped message without a key, its rows as lines in arrival order and their count in a header; the check reads compressed and older many-row messages line by line', async () => {
    const lines = [rowLine(record({ eventId: '1'.repeat(32) })), rowLine(record({ eventId: '2'.repeat(32), videoId: 'v2' })), rowLine(record({ eventId: '3'.repeat(32), code: 'é€😀' }))];
    const size = (beacon: string[]) => beacon.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const beacons = [[lines[0]!, lines[1]!], [lines[2]!]];
    const body = Buffer.alloc(1024);
    let at = 0;
    for (const beacon of beacons) at = writeRowLines(body, at, beacon, size(beacon));
    const message = await playbackEventMessage(body.subarray(0, at), 3);
    expect(message).not.toHaveProperty('key');
    expect(isGzip(message.value)).toBe(true);
    // The member ends its last line: members concatenate into one gzip body of JSONEachRow lines.
    expect(gunzipSync(message.value).toString()).toBe(`${lines.join('\n')}\n`);
    expect(gunzipSync(Buffer.concat([message.value, gzipLines([lines[0]!])])).toString().split('\n')).toHaveLength(5);
    expect(message.headers[PLAYBACK_EVENTS_ROWS_HEADER]).toBe('3');
    expect(rowsInMessage(message.value, message.headers[PLAYBACK_EVENTS_ROWS_HEADER])).toBe(3);
    // A miscounted size would cut rows or leave garbage in the body: refused.
    expect(() => writeRowLines(Buffer.alloc(1024), 0, beacons[0]!, size(beacons[0]!) - 1)).toThrow(/counted/);
    expect(() => writeRowLines(Buffer.alloc(1024), 0, beacons[1]!, size(beacons[1]!) + 1)).toThrow(/counted/);
    // Without the header (or with a nonsensical one) a compressed message's lines are counted.
    expect(rowsInMessage(message.value)).toBe(3);
    expect(rowsInMessage(message.value, 'many')).toBe(3);
    expect(rowsInMessage(Buffer.from(`${lines[0]!}\n${lines[2]!}`))).toBe(2);
    expect(rowsInMessage(Buffer.alloc(0))).toBe(0);
    expect(isGzip(Buffer.from(lines[0]!))).toBe(false);

    // An older uncompressed many-row message with a broken line, a one-row message, an empty value, a compressed
    // message, a compressed message with a broken line and a broken gzip member.
    const mixed = `${lines[0]!}\n{"event_id":\n${rowLine(record({ eventId: '4'.repeat(32) }))}`;
    const brokenInside = gzipLines(['{"event_id":', rowLine(record({ eventId: '5'.repeat(32) }))]);
    const truncated = message.value.subarray(0, message.value.length - 6);
    const { rows, invalid } = rowsFromMessages([Buffer.from(mixed), Buffer.from(lines[1]!), Buffer.alloc(0), message.value, brokenInside, truncated]);
    expect(rows.map((row) => row.event_id)).toEqual(['1'.repeat(32), '4'.repeat(32), '2'.repeat(32), '3'.repeat(32), '5'.repeat(32)]);
    expect(invalid).toBe(4);
  });

  it('escapes string literals and only ever puts a validated id into SQL', () => {
    expect(sqlString("it's \\ here")).toBe("'it\\'s \\\\ here'");
    expect(summarySql('vid_1', { from: 1_000, to: 2_000 })).toContain("video_id = 'vid_1' AND at >= toDateTime(1) AND at < toDateTime(2)");
  });
});

describe('ranges and retention', () => {
  it('defaults to the last 7 days and refuses inverted or over-long ranges', () => {
    expect(analyticsRange({}, 8 * 86_400_000)).toEqual({ from: 86_400_000, to: 8 * 86_400_000 });
    expect(analyticsRange({ from: 5, to: 5 }, 0)).toMatch(/before/);
    expect(analyticsRange({ from: 0, to: 400 * 86_400_000 }, 0)).toMatch(/366/);
  });

  it('keeping 30 days on 2026-03-31 keeps 2026-03-02 onwards', () => {
    expect(retentionCutoff(Date.parse('2026-03-31T12:00:00Z'), 30)).toBe(20260302);
    expect(retentionCutoff(Date.parse('2026-03-31T00:00:00Z'), 1)).toBe(20260331);
  });
});
