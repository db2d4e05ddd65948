import { CHANNEL_EVENTS_TOPIC, ChannelEvent } from '../../../contracts/channel-events.ts';
import { LiveEvent } from '../../../contracts/chat.ts';
import { channelRoom, RoomName, videoRoom } from '../../../contracts/ids.ts';
import { describeIssues } from '../../../contracts/issues.ts';
import { VIDEO_EVENTS_TOPIC, VideoEvent } from '../../../contracts/video-events.ts';

/** The topics the bridge reads. */
export const BRIDGED_TOPICS = [CHANNEL_EVENTS_TOPIC, VIDEO_EVENTS_TOPIC] as const;

/** One POST the bridge makes: this event, to this room. */
export interface RoomDelivery {
  room: string;
  event: LiveEvent;
}

export type RoomMapping = { ok: true; deliveries: RoomDelivery[] } | { ok: false; reason: string };

/** Live events are for people watching now: one much older than this (a bridge back from an outage) is skipped. */
export const DEFAULT_MAX_EVENT_AGE_MS = 15 * 60_000;

export interface MappingOptions {
  /** Now, in ms since the epoch (the caller's clock, so this stays pure). */
  now: number;
  maxEventAgeMs?: number;
}

/**
 * Which rooms a Kafka message goes to, and the `{id, type, at, data}` each receives. Pure: a
 * message that cannot be read, names no valid room, or is stale maps to a reason instead.
 */
export function roomDeliveriesFor(topic: string, value: string | null, options: MappingOptions): RoomMapping {
  if (value === null) return { ok: false, reason: 'the message has no value (a tombstone)' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'the message value is not JSON' };
  }
  const mapped = topic === CHANNEL_EVENTS_TOPIC ? fromChannelEvent(json) : topic === VIDEO_EVENTS_TOPIC ? fromVideoEvent(json) : undefined;
  if (!mapped) return { ok: false, reason: `the bridge does not read topic ${topic}` };
  if ('reason' in mapped) return { ok: false, reason: mapped.reason };

  const ageMs = options.now - Date.parse(mapped.event.at);
  const maxAgeMs = options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  if (ageMs > maxAgeMs) return { ok: false, reason: `the event is ${Math.round(ageMs / 1000)} s old (live events older than ${maxAgeMs / 1000} s are skipped)` };

  const checked = LiveEvent.safeParse(mapped.event);
  if (!checked.success) return { ok: false, reason: `the room event would be invalid: ${describeIssues(checked.error)}` };
  const invalidRoom = mapped.rooms.find((room) => !RoomName.safeParse(room).success);
  if (invalidRoom !== undefined) return { ok: false, reason: `"${invalidRoom}" is not a valid room name (1-64 of A-Z a-z 0-9 _ -)` };
  return { ok: true, deliveries: mapped.rooms.map((room) => ({ room, event: checked.data })) };
}

type Mapped = { rooms: string[]; event: LiveEvent } | { reason: string };

function fromChannelEvent(json: unknown): Mapped {
  const parsed = ChannelEvent.safeParse(json);
  if (!parsed.success) return { reason: `not a channel event: ${describeIssues(parsed.error)}` };
  const { id, type, at, data, broadcasterId, channelId, source } = parsed.data;
  const context = { broadcasterId, ...(channelId === undefined ? {} : { channelId }), ...(source === undefined ? {} : { source }) };
  return { rooms: [channelRoom(channelId ?? broadcasterId)], event: { id, type, at, data: { ...data, ...context } } };
}

function fromVideoEvent(json: unknown): Mapped {
  const parsed = VideoEvent.safeParse(json);
  if (!parsed.success) return { reason: `not a video event: ${describeIssues(parsed.error)}` };
  const { id, type, at, videoId, state, reason } = parsed.data;
  return { rooms: [videoRoom(videoId)], event: { id, type, at, data: { videoId, state, ...(reason === undefined ? {} : { reason }) } } };
}
