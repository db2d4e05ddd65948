import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { eventLine, valueText } from '../../cli/operator/events.ts';
import { nodeRows } from '../../cli/operator/nodes.ts';
import { tokenRequestBody } from '../../cli/operator/sign.ts';
import { deletedVideoLines, videoRows } from '../../cli/operator/videos.ts';
import type { VideoView } from '../../cli/lib/video-types.ts';

const now = Date.parse('2026-01-01T00:01:00.000Z');

describe('vora videos ls rows', () => {
  it('show state with progress while processing, duration, size and age', () => {
    const video: VideoView = { id: 'vid_1', title: 'a clip', channelId: null, chatRoom: 'channel', visibility: 'unlisted', state: 'PROCESSING', progress: 0.426, durationSeconds: 75, failureReason: null, source: { size: 1536 }, playback: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(videoRows([video], now)).toEqual([['vid_1', 'PROCESSING 42%', 'a clip', '1m15s', '1.5 KiB', '1m00s ago']]);
    expect(videoRows([{ ...video, state: 'CREATED', durationSeconds: null, source: null }], now)[0]!.slice(1, 5)).toEqual(['CREATED', 'a clip', '', '']);
  });
});

describe('vora videos rm lines', () => {
  const video: VideoView = { id: 'vid_1', title: 'a clip', channelId: null, chatRoom: 'channel', visibility: 'unlisted', state: 'DELETED', progress: 1, durationSeconds: 75, failureReason: null, source: null, playback: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
  const purge = { shield: 'http://127.0.0.1:8090', attempts: 1, requestedAt: '2026-01-01T00:00:00.000Z' };

  it('say only that the video is deleted when every shield acknowledged (or there is none)', () => {
    expect(deletedVideoLines(video)).toEqual(['deleted video vid_1']);
    expect(deletedVideoLines({ ...video, shieldPurges: [{ ...purge, state: 'done', lastError: null, nextAttemptAt: null }] })).toEqual(['deleted video vid_1']);
  });

  it('name a shield whose purge is pending, with why and that the origin retries it, or that it gave up', () => {
    const pending = { ...purge, shield: 'http://127.0.0.1:8091', state: 'pending' as const, lastError: 'could not be reached (ECONNREFUSED)', nextAttemptAt: '2026-01-01T00:00:01.000Z' };
    const abandoned = { ...purge, shield: 'http://127.0.0.1:8092', state: 'abandoned' as const, lastError: 'answered 403 forbidden', nextAttemptAt: null };
    const lines = deletedVideoLines({ ...video, shieldPurges: [{ ...purge, state: 'done', lastError: null, nextAttemptAt: null }, pending, abandoned] });
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^shield http:\/\/127\.0\.0\.1:8091 .*ECONNREFUSED.*retries the purge in the background/);
    expect(lines[2]).toMatch(/^shield http:\/\/127\.0\.0\.1:8092 .*gave up.*403 forbidden.*run this again/);
  });
});

describe('vora nodes ls rows', () => {
  it('show the load as a bar and the operator drain', () => {
    const node = { nodeId: 'n1', url: 'http://127.0.0.1:8081', region: 'eu', capacity: 100, load: 0.5, state: 'live' as const, seenAt: now - 4_000 };
    expect(nodeRows([node], now)).toEqual([['n1', 'eu', 'live', '[#####-----]  50%', '4s ago']]);
    expect(nodeRows([{ ...node, state: 'draining', drainedByOperator: true }], now)[0]![2]).toBe('draining (operator)');
  });
});

describe('vora events tail lines', () => {
  const message = { topic: 'video-events', partition: 0, offset: '7', key: 'vid_1', timestamp: String(now), value: JSON.stringify({ id: 'e1', type: 'video.failed', videoId: 'vid_1', state: 'FAILED', at: '2026-01-01T00:00:00.000Z', reason: 'not a video' }) };
  it('print a video event as time, type, video and reason', () => {
    expect(eventLine(message, false)).toBe('2026-01-01T00:00:00.000Z  video.failed      vid_1  (not a video)');
  });
  it('print any other message as topic, offset, key and value; JSON keeps the parsed value', () => {
    expect(eventLine({ ...message, topic: 'other', value: 'plain' }, false)).toBe(`2026-01-01T00:01:00.000Z  other[0]@7  vid_1  plain`);
    expect(JSON.parse(eventLine(message, true))).toMatchObject({ topic: 'video-events', offset: '7', value: { type: 'video.failed' } });
  });
  it('show gzipped values (playback-events rows) inflated, and anything else as text', () => {
    expect(valueText(gzipSync('{"event_id":"a"}\n{"event_id":"b"}\n'))).toBe('{"event_id":"a"}\n{"event_id":"b"}');
    expect(valueText(Buffer.from('plain'))).toBe('plain');
    expect(valueText(null)).toBeNull();
    const cut = gzipSync('{"event_id":"a"}\n');
    expect(valueText(cut.subarray(0, 8))).toBe(cut.subarray(0, 8).toString('utf8'));
  });
});

describe('vora sign options', () => {
  const base = { ttl: '1h', country: [], blockCountry: [], ip: [] };
  it('become the token request body', () => {
    expect(tokenRequestBody(base)).toEqual({ ttlSeconds: 3600 });
    expect(tokenRequestBody({ ...base, ttl: '30m', country: ['fr', 'DE'], blockCountry: ['us'], ip: ['10.0.0.0/8'], maxHeight: '720' })).toEqual({
      ttlSeconds: 1800,
      countries: ['FR', 'DE'],
      blockedCountries: ['US'],
      ipRanges: ['10.0.0.0/8'],
      maxHeight: 720,
    });
  });
  it('are refused with the option named', () => {
    expect(() => tokenRequestBody({ ...base, ttl: '5s' })).toThrow(/--ttl/);
    expect(() => tokenRequestBody({ ...base, ttl: '8d' })).toThrow(/--ttl/);
    expect(() => tokenRequestBody({ ...base, country: ['France'] })).toThrow(/--country "France"/);
    expect(() => tokenRequestBody({ ...base, maxHeight: '-1' })).toThrow(/--max-height/);
  });
});
