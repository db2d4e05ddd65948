import { describe, expect, it } from 'vitest';
import { channelLines, channelRows, channelSettingsBody, twitchLine } from '../../cli/operator/channels.ts';
import { chatRoomLine, videoSettingsBody } from '../../cli/operator/videos.ts';
import type { ChannelView } from '../../contracts/channels.ts';

const now = Date.parse('2026-01-01T01:00:00.000Z');
const channel: ChannelView = {
  id: 'my-show', title: 'My show', description: '', avatarUrl: null, room: 'channel-my-show', videoCount: 3, twitch: null,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:30:00.000Z',
};

describe('vora channels ls and show', () => {
  it('list id, title, video count and age', () => {
    expect(channelRows([channel], now)).toEqual([['my-show', 'My show', '3', '1h00m ago']]);
  });

  it('show the room its videos share and a dash for what is not set', () => {
    const lines = channelLines(channel);
    expect(lines).toContain('chat room    channel-my-show (shared by its videos unless a video has its own)');
    expect(lines).toContain('avatar       —');
    expect(channelLines(channel, 'http://127.0.0.1:8787')).toContain('page         http://127.0.0.1:8787/c/my-show');
  });
});

describe('vora channels set', () => {
  it('sends only the options given; --avatar none removes the avatar, an empty description clears it', () => {
    expect(channelSettingsBody({ title: 'Raid night' })).toEqual({ title: 'Raid night' });
    expect(channelSettingsBody({ avatar: 'none', description: '' })).toEqual({ avatarUrl: null, description: '' });
    expect(channelSettingsBody({ avatar: 'https://example.com/a.png' })).toEqual({ avatarUrl: 'https://example.com/a.png' });
  });

  it('refuses an empty change and an avatar that is not an http(s) URL, naming the fix', () => {
    expect(() => channelSettingsBody({})).toThrow(/nothing to change: give --title, --description or --avatar/);
    expect(() => channelSettingsBody({ avatar: 'javascript:alert(1)' })).toThrow(/avatarUrl must be an http\(s\) URL, e\.g\. https:\/\/example\.com\/me\.png/);
    expect(() => channelSettingsBody({ title: '   ' })).toThrow(/^vora channels set: title: /);
  });
});

describe('vora videos set', () => {
  it('sends only the options given; --channel none leaves the channel', () => {
    expect(videoSettingsBody({ chatRoom: 'video' })).toEqual({ chatRoom: 'video' });
    expect(videoSettingsBody({ channel: 'none', title: 't' })).toEqual({ channelId: null, title: 't' });
    expect(videoSettingsBody({ channel: 'my-show' })).toEqual({ channelId: 'my-show' });
  });

  it('refuses an unknown room and an empty change, naming the fix', () => {
    expect(() => videoSettingsBody({ chatRoom: 'lobby' })).toThrow(/not one of channel, video, off/);
    expect(() => videoSettingsBody({})).toThrow(/give --title, --channel, --chat-room or --visibility/);
    expect(videoSettingsBody({ visibility: 'public' })).toEqual({ visibility: 'public' });
    expect(() => videoSettingsBody({ visibility: 'private' })).toThrow(/not public or unlisted/);
  });

  it('says which room a watch page joins', () => {
    expect(chatRoomLine({ id: 'vid_1', channelId: 'my-show', chatRoom: 'channel' })).toBe("channel-my-show (shared with the channel's videos)");
    expect(chatRoomLine({ id: 'vid_1', channelId: null, chatRoom: 'channel' })).toBe('video-vid_1 (its own)');
    expect(chatRoomLine({ id: 'vid_1', channelId: 'my-show', chatRoom: 'video' })).toBe('video-vid_1 (its own)');
    expect(chatRoomLine({ id: 'vid_1', channelId: 'my-show', chatRoom: 'off' })).toMatch(/^off/);
  });
});

describe('vora channels show: the Twitch link', () => {
  const link = {
    broadcasterId: '141981764', login: 'twitchdev', displayName: 'TwitchDev', status: 'active' as const, brokenReason: null, linkedAt: '2026-01-01T00:00:00.000Z',
    subscriptions: [{ id: 's1', type: 'stream.online', version: '1', status: 'enabled' }, { id: 's2', type: 'channel.raid', version: '1', status: 'webhook_callback_verification_pending' }],
  };

  it('says how to link when there is none, and how many subscriptions are enabled when there is', () => {
    expect(twitchLine(null, 'my-show')).toBe('— (vora channels link-twitch my-show --login NAME)');
    expect(twitchLine(link, 'my-show')).toBe('TwitchDev (login twitchdev, id 141981764) — active, 1 of 2 subscriptions enabled');
  });

  it('says BROKEN with the reason and the fix', () => {
    const broken = { ...link, status: 'broken' as const, brokenReason: 'Twitch revoked the channel.raid subscription (authorization_revoked): unlink and link again' };
    expect(twitchLine(broken, 'my-show')).toMatch(/BROKEN: Twitch revoked the channel\.raid subscription \(authorization_revoked\).*vora channels unlink-twitch my-show/);
    expect(channelLines({ ...channel, twitch: broken }).find((line) => line.startsWith('twitch'))).toContain('BROKEN');
  });
});
