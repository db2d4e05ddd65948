import type { ChannelEvent } from '../../../contracts/channel-events.ts';
import type { LiveInput } from './live-input-rows.ts';

/** `stream.online` when a broadcast starts, `stream.offline` when it ends (the names Twitch uses, so rooms show one kind). */
export type LiveStatusEventType = 'stream.online' | 'stream.offline';

/**
 * The `channel-events` message of a broadcast starting or ending: the room bridge carries it to the chat room
 * `channel-{channelId ?? inputId}` ("went live", "ended"). Its id names the broadcast, so a retry is dropped as a
 * duplicate. Pure.
 */
export function liveStatusEvent(input: Pick<LiveInput, 'id' | 'title' | 'channelId'>, broadcast: number, type: LiveStatusEventType, at: Date): ChannelEvent {
  return {
    id: `${input.id}-b${broadcast}-${type}`,
    type,
    broadcasterId: input.id,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    source: 'vora',
    at: at.toISOString(),
    data: { liveInputId: input.id, broadcast, title: input.title },
  };
}
