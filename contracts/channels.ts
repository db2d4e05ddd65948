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

// ── the Twitch link ──────────────────────────────────────────────────────────

/** A Twitch login as Twitch allows them (letters, digits, underscore; at most 25). */
export const TwitchLogin = z.string().regex(/^[A-Za-z0-9_]{1,25}$/, 'a Twitch login is 1-25 letters, digits or _ (the name in twitch.tv/NAME)');

/** `POST /v1/channels/{id}/twitch`. */
export const LinkTwitchBody = z.strictObject({ login: TwitchLogin });

/**
 * The EventSub subscriptions a link makes, by type, with the version Vora speaks. Each names the linked
 * broadcaster in its condition (`channel.raid`: as the receiving side; `channel.follow` v2: as moderator too).
 */
export const TWITCH_LINK_SUBSCRIPTIONS = [
  { type: 'stream.online', version: '1' },
  { type: 'stream.offline', version: '1' },
  { type: 'channel.update', version: '2' },
  { type: 'channel.follow', version: '2' },
  { type: 'channel.subscribe', version: '1' },
  { type: 'channel.cheer', version: '1' },
  { type: 'channel.raid', version: '1' },
] as const;

/** `linking` while subscriptions are made, `active` once all were, `broken` after Twitch revoked one (unlink, then link again). */
export const TwitchLinkStatus = z.enum(['linking', 'active', 'broken']);

export const TwitchSubscriptionView = z.object({
  id: z.string(),
  type: z.string(),
  version: z.string(),
  /** Twitch's: `webhook_callback_verification_pending`, `enabled`, or why it was revoked (`authorization_revoked`…). */
  status: z.string(),
});

export const TwitchLinkView = z.object({
  broadcasterId: z.string(),
  login: z.string(),
  displayName: z.string(),
  status: TwitchLinkStatus,
  brokenReason: z.string().nullable(),
  subscriptions: z.array(TwitchSubscriptionView),
  linkedAt: z.iso.datetime(),
});
export type TwitchLinkView = z.infer<typeof TwitchLinkView>;

/** `public`: listed on its channel's page, where anyone may watch it; `unlisted` (the default): only through a signed link. */
export const VideoVisibility = z.enum(['public', 'unlisted']);
export type VideoVisibility = z.infer<typeof VideoVisibility>;

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
  /** The Twitch broadcaster whose events reach the channel's room, or null. */
  twitch: TwitchLinkView.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ChannelView = z.infer<typeof ChannelView>;

/**
 * The origin's answer to the edge's `GET /internal/channels/{id}/page` (Bearer INTERNAL_SECRET): what the channel page
 * shows, with a playback token for each public video (and for the live input while it is on air).
 */
export const ChannelPageData = z.object({
  channel: z.object({ id: ChannelSlug, title: z.string(), description: z.string(), avatarUrl: z.string().nullable() }),
  videos: z.array(z.object({ id: z.string(), title: z.string(), durationSeconds: z.number().nullable(), createdAt: z.iso.datetime(), token: z.string() })),
  live: z.object({ inputId: z.string(), title: z.string(), token: z.string() }).nullable(),
});
export type ChannelPageData = z.infer<typeof ChannelPageData>;

/** `GET /v1/channels`: every channel, newest first. */
export const ChannelList = z.object({ channels: z.array(ChannelView) });
export type ChannelList = z.infer<typeof ChannelList>;
