import type { ChannelView, TwitchLinkView } from '../../../contracts/channels.ts';
import { channelRoom } from '../../../contracts/ids.ts';
import type { Channel } from './channel-rows.ts';

/** The JSON of one channel (pure), typed as `ChannelView` of contracts/channels.ts. */
export function channelView(channel: Channel, twitch: TwitchLinkView | null): ChannelView {
  return {
    id: channel.id,
    title: channel.title,
    description: channel.description,
    avatarUrl: channel.avatarUrl,
    room: channelRoom(channel.id),
    videoCount: channel.videoCount,
    twitch,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
