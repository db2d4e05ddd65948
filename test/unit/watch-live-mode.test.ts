import { describe, expect, it } from 'vitest';
import { watchRoom } from '../../contracts/playback-token.ts';
import { liveBadgeText, secondsBehindLive } from '../../edge/public/player/live.js';

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
