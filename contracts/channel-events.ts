import { z } from 'zod';
import { idSchema, MAX_ROOM_SUFFIX_LENGTH } from './ids.ts';

/** Kafka topic of live channel events; the message key is the broadcaster id (one partition per broadcaster: ordered). */
export const CHANNEL_EVENTS_TOPIC = 'channel-events';

/** Same alphabet as a room's live-event type (contracts/chat.ts `LiveEvent`), so every channel event can reach a room. */
export const ChannelEventType = z.string().regex(/^[a-z0-9_.:-]{1,64}$/, 'type is 1-64 characters of a-z, 0-9, _ . : or - (e.g. stream.online)');

/** Broadcaster and channel ids become part of a room name (`channel-{id}`), hence the id alphabet and a bound shorter by the prefix. */
const ChannelIdText = idSchema('ids', MAX_ROOM_SUFFIX_LENGTH);

/**
 * One message on `channel-events`. `id` is unique per event and stays the same when a producer
 * retries (a Twitch notification keeps its message id), so rooms drop the duplicates; `at` is ISO 8601.
 */
export const ChannelEvent = z.object({
  id: z.string().min(1).max(128),
  type: ChannelEventType,
  /** The broadcaster on the platform that reported the event (Twitch `broadcaster_user_id`). */
  broadcasterId: ChannelIdText,
  /** The Vora channel, when the producer knows it; the room is `channel-{channelId ?? broadcasterId}`. */
  channelId: ChannelIdText.optional(),
  /** Who reported it: `twitch` for EventSub notifications, `vora` for the platform's own. */
  source: z.string().regex(/^[a-z0-9_-]{1,32}$/).optional(),
  at: z.iso.datetime(),
  /** The event as the source described it (for Twitch: the notification's `event` object). */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type ChannelEvent = z.infer<typeof ChannelEvent>;
