import { describe, expect, it } from 'vitest';
import { roomDeliveriesFor } from '../../origin/src/bridge/room-events.ts';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = '2026-03-01T11:59:58.000Z';
const map = (topic: string, value: unknown, maxEventAgeMs?: number) =>
  roomDeliveriesFor(topic, typeof value === 'string' || value === null ? value : JSON.stringify(value), { now, maxEventAgeMs });

describe('bridge mapping: Kafka message → rooms', () => {
  it('sends a channel event to channel-{channelId}, or channel-{broadcasterId} when no channel is named', () => {
    const event = { id: 'twitch_m1', type: 'stream.online', broadcasterId: '1337', source: 'twitch', at, data: { broadcaster_user_login: 'cool' } };
    expect(map('channel-events', event)).toEqual({
      ok: true,
      deliveries: [{ room: 'channel-1337', event: { id: 'twitch_m1', type: 'stream.online', at, data: { broadcaster_user_login: 'cool', broadcasterId: '1337', source: 'twitch' } } }],
    });
    const mapped = map('channel-events', { ...event, channelId: 'ch_main' });
    expect(mapped.ok && mapped.deliveries.map((delivery) => delivery.room)).toEqual(['channel-ch_main']);
  });

  it('sends a video event to video-{videoId} with its state and reason', () => {
    const event = { id: 'evt_1', type: 'video.failed', videoId: 'vid_abc', state: 'FAILED', at, reason: 'not a video' };
    expect(map('video-events', event)).toEqual({
      ok: true,
      deliveries: [{ room: 'video-vid_abc', event: { id: 'evt_1', type: 'video.failed', at, data: { videoId: 'vid_abc', state: 'FAILED', reason: 'not a video' } } }],
    });
  });

  it('gives a reason, never a room, for unreadable, invalid, stale or unroutable messages', () => {
    const video = { id: 'evt_1', type: 'video.ready', videoId: 'vid_abc', state: 'READY', at };
    const cases: Array<[string, unknown, RegExp]> = [
      ['video-events', null, /tombstone/],
      ['video-events', '{not json', /not JSON/],
      ['video-events', { ...video, state: 'PROCESSING' }, /not a video event/],
      ['channel-events', { id: 'x', type: 'stream.online', broadcasterId: 'a:b', at, data: {} }, /not a channel event/],
      ['channel-events', { id: 'x', type: 'Stream Online', broadcasterId: '1', at, data: {} }, /not a channel event/],
      ['video-events', { ...video, videoId: 'v'.repeat(59) }, /not a valid room name/],
      ['video-events', { ...video, videoId: 'vid.with.dots' }, /not a valid room name/],
      ['video-events', { ...video, at: '2026-03-01T11:00:00.000Z' }, /3600 s old/],
      ['config-updates', video, /does not read topic/],
    ];
    for (const [topic, value, reason] of cases) {
      const mapped = map(topic, value);
      expect(mapped, String(reason)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    }
    expect(map('video-events', { ...video, at: '2026-03-01T11:00:00.000Z' }, 2 * 3600_000).ok).toBe(true);
  });
});
