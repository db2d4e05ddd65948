import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', clock_timestamp())`;
const sha256Hex = `~ '^[0-9a-f]{64}$'`;

/**
 * Live inputs (issue 17): one row per stream key holder. The key itself is never stored, only its SHA-256;
 * `publisher` is the one connection nginx-rtmp authorized (null when nobody publishes), so a second one is refused.
 */
export const liveMigrations: Migration[] = [
  {
    version: 20,
    name: 'live inputs',
    statements: [
      `CREATE TABLE live_inputs (
        id text COLLATE "C" PRIMARY KEY,
        title text NOT NULL,
        channel_id text,
        stream_key_hash text NOT NULL UNIQUE CHECK (stream_key_hash ${sha256Hex}),
        enabled boolean NOT NULL DEFAULT true,
        status text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'connecting', 'live', 'reconnecting', 'ended')),
        reconnect_window_seconds integer NOT NULL CHECK (reconnect_window_seconds BETWEEN 0 AND 1800),
        recording boolean NOT NULL,
        restream_targets jsonb NOT NULL DEFAULT '[]'::jsonb,
        publisher jsonb,
        broadcasts integer NOT NULL DEFAULT 0 CHECK (broadcasts >= 0),
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX live_inputs_newest_first ON live_inputs (created_at DESC, id DESC)`,
    ],
  },
];
