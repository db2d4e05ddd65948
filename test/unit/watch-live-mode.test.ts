import { describe, expect, it } from 'vitest';
import { watchRoom } from '../../contracts/playback-token.ts';
import { broadcastNumber, liveBadgeText, liveClockText, secondsBehindLive, waitForNextBroadcast } from '../../edge/public/player/live.js';

describe('the live badge', () => {
  it('says LIVE until it knows the distance, then how many seconds behind, and ENDED at the end', () => {
    expect(liveBadgeText(null, false)).toBe('LIVE');
    expect(liveBadgeText(Number.NaN, false)).toBe('LIVE');
    expect(liveBadgeText(6.4, false)).toBe('LIVE · 6 s behind');
    expect(liveBadgeText(-0.3, false)).toBe('LIVE · 0 s behind');
    expect(liveBadgeText(6.4, true)).toBe('ENDED');
  });

  it("measures the distance with hls.js's latency, else from the seekable range (native HLS)", () => {
    const seekable = { length: 1, end: () => 30 };
    expect(secondsBehindLive({ seekable, currentTime: 24 }, { latency: 5.5 })).toBe(5.5);
    expect(secondsBehindLive({ seekable, currentTime: 24 }, { latency: 0 })).toBe(6);
    expect(secondsBehindLive({ seekable, currentTime: 24 }, null)).toBe(6);
    expect(secondsBehindLive({ seekable: { length: 0, end: () => 0 }, currentTime: 0 }, null)).toBeNull();
  });
});

describe('watchRoom', () => {
  it("puts a channel's live input in the channel's room, everything else in its own", () => {
    expect(watchRoom({ sub: 'live_1', live: true, channel: 'chan' })).toBe('channel-chan');
    expect(watchRoom({ sub: 'live_1', live: true })).toBe('video-live_1');
    expect(watchRoom({ sub: 'vid_1', channel: 'chan' })).toBe('video-vid_1');
  });
});

describe('a live page after its broadcast ended', () => {
  const master = (n: number) => `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\nb${n}/720p/playlist.m3u8?x=1\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nb${n}/360p/playlist.m3u8\n`;

  it('reads which broadcast a master (or a variant URL) points at', () => {
    expect(broadcastNumber(master(3))).toBe(3);
    expect(broadcastNumber('https://edge.example/v/tok/b12/720p/playlist.m3u8')).toBe(12);
    expect(broadcastNumber('#EXTM3U\n')).toBeNull();
    expect(broadcastNumber(null)).toBeNull();
  });

  it('waits, through offline answers and network errors, until the master names another broadcast', async () => {
    const answers: Array<() => Response> = [
      () => new Response(master(3)),
      () => { throw new TypeError('network'); },
      () => new Response('{"error":{"code":"stream_offline"}}', { status: 409 }),
      () => new Response(master(4)),
    ];
    let asked = 0;
    let clock = 0;
    const result = await waitForNextBroadcast('/v/tok/master.m3u8', 3, {
      fetchImpl: async () => answers[asked++]!(),
      sleep: async (ms) => { clock += ms; },
      now: () => clock,
      pollMs: 5_000,
    });
    expect(result).toEqual({ started: true });
    expect(asked).toBe(4);
    expect(clock).toBe(20_000);
  });

  it('gives up after its longest wait', async () => {
    let clock = 0;
    const result = await waitForNextBroadcast('/m', 3, {
      fetchImpl: async () => new Response(master(3)),
      sleep: async (ms) => { clock += ms; },
      now: () => clock,
      pollMs: 1_000,
      maxWaitMs: 10_000,
    });
    expect(result).toEqual({ started: false });
    expect(clock).toBe(10_000);
  });

  it('shows LIVE near the live edge, else how far behind, instead of the window clock', () => {
    expect(liveClockText(null)).toBe('LIVE');
    expect(liveClockText(6)).toBe('LIVE');
    expect(liveClockText(42.4)).toBe('−0:42');
    expect(liveClockText(125)).toBe('−2:05');
  });
});
