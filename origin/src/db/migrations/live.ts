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

/**
 * Restream targets (issue 17) get a table of their own: each has an id the restream activity is given (never the key),
 * its key sealed (db/sealed-secrets.ts, the target id as additional data), the key's mask for the API, and its push
 * status. Targets kept in `live_inputs.restream_targets` before (keys in clear) move here still in clear and are sealed
 * when the origin starts (`sealClearRestreamKeys`); the jsonb column goes, so no clear key stays behind in it.
 */
export const liveRestreamMigrations: Migration[] = [
  {
    version: 75,
    name: 'live inputs: restream targets with sealed keys',
    statements: [
      `CREATE TABLE live_restream_targets (
        id text COLLATE "C" PRIMARY KEY,
        live_input_id text NOT NULL REFERENCES live_inputs (id) ON DELETE CASCADE,
        position integer NOT NULL,
        url text NOT NULL,
        stream_key_sealed text NOT NULL,
        stream_key_masked text NOT NULL,
        status text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'connecting', 'live', 'failed')),
        last_error text,
        status_changed_at timestamptz NOT NULL DEFAULT ${nowMs},
        UNIQUE (live_input_id, position)
      )`,
      `INSERT INTO live_restream_targets (id, live_input_id, position, url, stream_key_sealed, stream_key_masked)
       SELECT 'rst_' || substr(md5(random()::text || i.id || t.position::text), 1, 16), i.id, t.position::integer - 1, t.target->>'url', t.target->>'streamKey', '****'
       FROM live_inputs i, jsonb_array_elements(i.restream_targets) WITH ORDINALITY AS t(target, position)`,
      `ALTER TABLE live_inputs DROP COLUMN restream_targets`,
    ],
  },
];

/** Low-latency live (issue 24): an input is packaged as LL-HLS by the origin (`low`) or as 2-s segments by FFmpeg (`standard`). */
export const liveLatencyMigrations: Migration[] = [
  {
    version: 80,
    name: 'live inputs: latency',
    statements: [`ALTER TABLE live_inputs ADD COLUMN latency text NOT NULL DEFAULT 'standard' CHECK (latency IN ('standard', 'low'))`],
  },
];
