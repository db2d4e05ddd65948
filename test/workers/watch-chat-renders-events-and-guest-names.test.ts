// The watch page's chat wording for live events and guests (edge/public/player/chat-text.js), in workerd like the page's other modules.
import { describe, expect, it } from 'vitest';
import { parseGuestName } from '../../contracts/chat.ts';
import { describeLiveEvent, guestNameProblem, welcomeState } from '../../edge/public/player/chat-text.js';

const event = (type: string, data: Record<string, unknown> = {}) => describeLiveEvent({ type, data });

describe('live events as typed lines', () => {
  it('says what happened on the channel, each with its own kind', () => {
    expect(event('channel.raid', { from_broadcaster_user_name: 'Cool_Raider', viewers: 42 })).toEqual({ kind: 'raid', text: 'Raid from Cool_Raider with 42 viewers' });
    expect(event('channel.raid', { from_broadcaster_user_name: 'Solo', viewers: 1 }).text).toBe('Raid from Solo with 1 viewer');
    expect(event('stream.online', { broadcaster_user_name: 'Cool_User' })).toEqual({ kind: 'live', text: 'Cool_User went live' });
    expect(event('stream.online', { title: 'Morning show' }).text).toBe('Went live: Morning show');
    expect(event('channel.follow', { user_name: 'Fan' })).toEqual({ kind: 'follow', text: 'New follower: Fan' });
    expect(event('channel.subscribe', { user_name: 'Sub', tier: '2000' }).text).toBe('Sub subscribed (Tier 2)');
    expect(event('channel.subscribe', { user_name: 'Sub', tier: '1000', is_gift: true }).text).toBe('Sub received a gift subscription (Tier 1)');
    expect(event('channel.cheer', { user_name: 'Fan', bits: 100, is_anonymous: false })).toEqual({ kind: 'cheer', text: 'Fan cheered 100 bits' });
    expect(event('channel.cheer', { user_name: 'Hidden', bits: 1, is_anonymous: true }).text).toBe('Someone cheered 1 bit');
    expect(event('channel.update', { title: 'New title', category_name: 'Chess' }).text).toBe('Stream info changed: New title · Chess');
    expect(event('video.ready')).toEqual({ kind: 'video', text: 'This video is ready in every quality.' });
    expect(event('something.new')).toEqual({ kind: 'other', text: 'Event: something new' });
  });

  it('shows only short strings and finite counts from event data, whatever Twitch or a forger put there', () => {
    expect(event('channel.raid', { from_broadcaster_user_name: { toString: 'x' }, viewers: 'lots' }).text).toBe('Raid from another channel');
    expect(event('channel.raid', { from_broadcaster_user_name: 'x'.repeat(101), viewers: -3 }).text).toBe('Raid from another channel');
    expect(event('channel.cheer', { bits: Number.POSITIVE_INFINITY }).text).toBe('Someone cheered');
  });
});

describe('guests in the chat form', () => {
  it('writes, asks for a name, or reads, as the room’s welcome says', () => {
    expect(welcomeState({ canWrite: true })).toEqual({ mode: 'message', status: '' });
    expect(welcomeState({ canWrite: false, reason: 'name_required' })).toEqual({ mode: 'name', status: '' });
    expect(welcomeState({ canWrite: false, reason: 'members_only' }).mode).toBe('read');
  });

  it('checks a display name with the rules the edge applies', () => {
    for (const name of ['Ada', '  Ada   Lovelace ', '', '   ', 'x'.repeat(32), 'x'.repeat(33), 'Zoë', 'Ada\u200B', 'a\u202Eb', 'tab\there', '😀'.repeat(32)]) {
      expect(guestNameProblem(name) === null, JSON.stringify(name)).toBe(parseGuestName(name).ok);
    }
  });
});
