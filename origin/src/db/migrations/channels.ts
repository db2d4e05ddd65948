import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', now())`;

/** Channels (issue 21): the resource itself, and which room each video's watch page joins. */
export const channelMigrations: Migration[] = [
  {
    version: 50,
    name: 'channels, video chat rooms',
    statements: [
      // No foreign key from videos.channel_id: videos named channels before channels were rows; the API checks new ones.
      `CREATE TABLE channels (
        id text COLLATE "C" PRIMARY KEY,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        avatar_url text,
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX channels_newest_first ON channels (created_at DESC, id DESC)`,
      // 'channel': the channel's room when the video has one (else its own); 'video': its own room; 'off': no chat.
      `ALTER TABLE videos ADD COLUMN chat_room text NOT NULL DEFAULT 'channel' CHECK (chat_room IN ('channel', 'video', 'off'))`,
    ],
  },
];

/** A channel's Twitch link (issue 21): the broadcaster it follows and the EventSub subscriptions made for it. */
export const twitchLinkMigrations: Migration[] = [
  {
    version: 51,
    name: 'channel twitch links and their eventsub subscriptions',
    statements: [
      // One broadcaster per channel and one channel per broadcaster: an event must name exactly one room.
      `CREATE TABLE channel_twitch_links (
        channel_id text COLLATE "C" PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
        broadcaster_id text NOT NULL UNIQUE,
        login text NOT NULL,
        display_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('linking', 'active', 'broken')),
        broken_reason text,
        linked_at timestamptz NOT NULL DEFAULT ${nowMs},
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      // Twitch's subscription ids; a row may appear first from the verification challenge (it can beat the create's answer).
      `CREATE TABLE twitch_subscriptions (
        id text COLLATE "C" PRIMARY KEY,
        channel_id text NOT NULL REFERENCES channel_twitch_links (channel_id) ON DELETE CASCADE,
        type text NOT NULL,
        version text NOT NULL,
        status text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX twitch_subscriptions_by_channel ON twitch_subscriptions (channel_id)`,
    ],
  },
];

/** Which videos a channel page lists (issue 21): `public` ones; `unlisted` ones play only through a signed link. */
export const videoVisibilityMigrations: Migration[] = [
  {
    version: 52,
    name: 'video visibility',
    statements: [
      // Unlisted by default: a video appears on its channel's page (with a watch link anyone may open) only when made public.
      `ALTER TABLE videos ADD COLUMN visibility text NOT NULL DEFAULT 'unlisted' CHECK (visibility IN ('public', 'unlisted'))`,
      `CREATE INDEX videos_public_by_channel ON videos (channel_id, created_at DESC) WHERE visibility = 'public'`,
    ],
  },
];
