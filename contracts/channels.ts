import { z } from 'zod';
import { idSchema, MAX_ROOM_SUFFIX_LENGTH } from './ids.ts';

/**
 * A channel: a streamer's home. It owns a chat room (`channel-{id}`) that its videos share by default,
 * its configuration chain (`/v1/channels/{id}/config`), and at most one Twitch link.
 */

/** The operator names a channel (`my-show`); the id becomes part of its room name, hence the shorter bound. */
export const ChannelSlug = idSchema('a channel id', MAX_ROOM_SUFFIX_LENGTH);

/** Shown as an `<img>` on the channel page: http(s) only, so no `javascript:` or `data:` URL reaches a page. */
export const AvatarUrl = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'avatarUrl must be an http(s) URL, e.g. https://example.com/me.png');

const Title = z.string().trim().min(1).max(200);
const Description = z.string().max(5000);

/** `POST /v1/channels`. Unknown fields are refused, so a typo is a 400, not silently lost. */
export const CreateChannelBody = z.strictObject({
  id: ChannelSlug,
  title: Title,
  description: Description.default(''),
  avatarUrl: AvatarUrl.nullable().default(null),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

/** `PATCH /v1/channels/{id}`: only the fields given change; `avatarUrl: null` removes the avatar. */
export const UpdateChannelBody = z
  .strictObject({ title: Title.optional(), description: Description.optional(), avatarUrl: AvatarUrl.nullable().optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one of title, description, avatarUrl');
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

/**
 * Which room the watch page of a video joins: its channel's (the default — every video of a channel
 * shares one conversation), its own (`video-{id}`), or none.
 */
export const VideoChatRoom = z.enum(['channel', 'video', 'off']);
export type VideoChatRoom = z.infer<typeof VideoChatRoom>;

/** One channel in the answers of `/v1/channels` (origin/src/channels/channel-view.ts writes it; the CLI reads it). */
export const ChannelView = z.object({
  id: ChannelSlug,
  title: z.string(),
  description: z.string(),
  avatarUrl: z.string().nullable(),
  /** The chat room its videos share by default. */
  room: z.string(),
  /** Videos that name this channel (DELETED ones left out). */
  videoCount: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ChannelView = z.infer<typeof ChannelView>;

/** `GET /v1/channels`: every channel, newest first. */
export const ChannelList = z.object({ channels: z.array(ChannelView) });
export type ChannelList = z.infer<typeof ChannelList>;
