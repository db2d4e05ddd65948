import { describe, expect, it } from 'vitest';
import { ChannelEvent } from '../../contracts/channel-events.ts';
import { liveStatusEvent } from '../../origin/src/live/live-status-events.ts';

describe('live status events', () => {
  const at = new Date('2026-12-05T08:00:00.000Z');

  it('is a valid channel event for the input\'s channel room, its id naming the broadcast', () => {
    const event = liveStatusEvent({ id: 'live_abc', title: 'Morning show', channelId: 'my-channel' }, 3, 'stream.online', at);
    expect(ChannelEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({ id: 'live_abc-b3-stream.online', type: 'stream.online', broadcasterId: 'live_abc', channelId: 'my-channel', source: 'vora', at: at.toISOString() });
    expect(liveStatusEvent({ id: 'live_abc', title: 't', channelId: 'my-channel' }, 3, 'stream.offline', at).id).not.toBe(event.id);
  });

  it('leaves the channel out when the input has none (the room is then channel-{inputId})', () => {
    expect(liveStatusEvent({ id: 'live_abc', title: 't', channelId: null }, 1, 'stream.offline', at)).not.toHaveProperty('channelId');
  });
});
