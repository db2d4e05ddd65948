import { z } from 'zod';

/**
 * Ids travel in URL paths, Kafka and KV keys, object keys and Durable Object names, so every kind
 * shares one alphabet (no dots, slashes, colons or spaces) and one length bound.
 */
export const ID_CHARS = '[A-Za-z0-9_-]';
export const MAX_ID_LENGTH = 64;
export const ID_PATTERN = new RegExp(`^${ID_CHARS}{1,${MAX_ID_LENGTH}}$`);

/** Short names that sit in paths beside ids (a rendition's folder, a node's region): the same alphabet, a tighter bound. */
export const MAX_NAME_LENGTH = 32;
export const NAME_PATTERN = new RegExp(`^${ID_CHARS}{1,${MAX_NAME_LENGTH}}$`);

/** An id schema whose refusal names what was expected, e.g. "room must be 1-64 characters of …". */
export function idSchema(what: string, maxLength: number = MAX_ID_LENGTH) {
  const pattern = maxLength === MAX_ID_LENGTH ? ID_PATTERN : new RegExp(`^${ID_CHARS}{1,${maxLength}}$`);
  return z.string().regex(pattern, `${what} must be 1-${maxLength} characters of A-Z, a-z, 0-9, _ or -`);
}

/** A video, e.g. `vid_…` (the origin's ids are 20 characters; the bound is for ids coming from outside). */
export const VideoId = idSchema('a video id');
/** A CDN node, as its agent names itself in heartbeats. */
export const NodeId = idSchema('nodeId');
/** A channel: a path-safe name chosen by the operator (`POST /v1/videos`, `/v1/channels/{id}/config`). */
export const ChannelId = idSchema('a channel id');
/** A signing key's `kid` as the origin makes them (`key_…`). */
export const KeyId = idSchema('kid');
/** A chat room: a path segment and a Durable Object name. */
export const RoomName = idSchema('room');

const CHANNEL_ROOM_PREFIX = 'channel-';
const VIDEO_ROOM_PREFIX = 'video-';

/** Ids that become part of a room name (`channel-{id}`) are shorter by the prefix, so the room name fits. */
export const MAX_ROOM_SUFFIX_LENGTH = MAX_ID_LENGTH - CHANNEL_ROOM_PREFIX.length;

/** The room of a channel's live events and chat (room names allow no ':', hence `-`). */
export function channelRoom(channelId: string): string {
  return `${CHANNEL_ROOM_PREFIX}${channelId}`;
}

/** The room of a video's chat and state events. */
export function videoRoom(videoId: string): string {
  return `${VIDEO_ROOM_PREFIX}${videoId}`;
}
