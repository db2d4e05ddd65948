import { describe, expect, it } from 'vitest';
import { PlaybackClaims, watchRoom } from '../../contracts/playback-token.ts';

describe('watchRoom with the chat claim the origin sets', () => {
  it('puts every video of a channel in the channel’s room by default', () => {
    expect(watchRoom({ sub: 'vid_1', channel: 'show', chat: 'channel' })).toBe('channel-show');
    expect(watchRoom({ sub: 'vid_2', channel: 'show', chat: 'channel' })).toBe('channel-show');
  });

  it('gives a video its own room when asked, or when it has no channel, and none when chat is off', () => {
    expect(watchRoom({ sub: 'vid_1', channel: 'show', chat: 'video' })).toBe('video-vid_1');
    expect(watchRoom({ sub: 'vid_1', chat: 'channel' })).toBe('video-vid_1');
    expect(watchRoom({ sub: 'vid_1', channel: 'show', chat: 'off' })).toBeNull();
  });

  it('is a claim the token schema checks', () => {
    expect(PlaybackClaims.safeParse({ sub: 'vid_1', exp: 1, chat: 'lobby' }).success).toBe(false);
    expect(PlaybackClaims.parse({ sub: 'vid_1', exp: 1, chat: 'video' }).chat).toBe('video');
  });
});
