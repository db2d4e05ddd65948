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

/**
 * Opt-in SRT ingest (issue 17): an SRT-enabled input holds one UDP port of VORA_SRT_PORTS (unique), its passphrase and
 * the relay key the SRT relay publishes into nginx-rtmp with, both sealed (db/sealed-secrets.ts: the relay reads them
 * back), and the relay key's hash, which on_publish looks up beside the stream key's.
 */
export const liveSrtMigrations: Migration[] = [
  {
    version: 70,
    name: 'live inputs: SRT ingest',
    statements: [
      `ALTER TABLE live_inputs ADD COLUMN srt_port integer UNIQUE CHECK (srt_port BETWEEN 1 AND 65535)`,
      `ALTER TABLE live_inputs ADD COLUMN srt_passphrase_sealed text`,
      `ALTER TABLE live_inputs ADD COLUMN srt_relay_key_sealed text`,
      `ALTER TABLE live_inputs ADD COLUMN srt_relay_key_hash text UNIQUE CHECK (srt_relay_key_hash ${sha256Hex})`,
      `ALTER TABLE live_inputs ADD CONSTRAINT live_inputs_srt_whole CHECK (
        (srt_port IS NULL) = (srt_passphrase_sealed IS NULL) AND (srt_port IS NULL) = (srt_relay_key_sealed IS NULL) AND (srt_port IS NULL) = (srt_relay_key_hash IS NULL)
      )`,
    ],
  },
];
