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
