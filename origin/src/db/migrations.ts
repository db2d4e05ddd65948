import { VIDEO_STATES } from '../videos/states.ts';
import { apiTokenScopeMigrations } from './migrations/api-token-scopes.ts';
import { channelMigrations, twitchLinkMigrations, videoVisibilityMigrations } from './migrations/channels.ts';
import { captionMigrations } from './migrations/captions.ts';
import { autoCaptionMigrations } from './migrations/auto-captions.ts';
import { hardeningMigrations } from './migrations/hardening.ts';
import { liveLatencyMigrations, liveMigrations, liveRestreamMigrations, liveSrtMigrations } from './migrations/live.ts';
import { processingTimeMigrations } from './migrations/ttp.ts';
import { shieldPurgeMigrations } from './migrations/shield-purges.ts';
import { outgoingWebhookMigrations, outgoingWebhookOutboxMigrations } from './migrations/webhooks.ts';

/** One schema step. Append new ones with the next version; never edit one that has shipped. */
export interface Migration {
  version: number;
  name: string;
  /** Single statements, run in order inside the migration transaction. */
  statements: string[];
}

const stateList = VIDEO_STATES.map((state) => `'${state}'`).join(', ');
const sha256Hex = `~ '^[0-9a-f]{64}$'`;
// Millisecond precision, so a JS Date round-trips exactly and list cursors stay exact.
const nowMs = `date_trunc('milliseconds', now())`;

export const schemaMigrations: Migration[] = [
  {
    version: 1,
    name: 'videos, renditions, api tokens, upload grants',
    statements: [
      // Byte-wise collation on ids: the same page order on every server, whatever its locale.
      `CREATE TABLE videos (
        id text COLLATE "C" PRIMARY KEY,
        title text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        channel_id text,
        state text NOT NULL DEFAULT 'CREATED' CHECK (state IN (${stateList})),
        failure_reason text,
        duration_seconds double precision CHECK (duration_seconds >= 0),
        source jsonb,
        progress double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
        max_duration_seconds integer CHECK (max_duration_seconds > 0),
        thumbnail_key text,
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX videos_newest_first ON videos (created_at DESC, id DESC)`,
      `CREATE INDEX videos_by_channel ON videos (channel_id, created_at DESC, id DESC)`,
      `CREATE TABLE renditions (
        video_id text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        name text NOT NULL,
        width integer NOT NULL CHECK (width > 0),
        height integer NOT NULL CHECK (height > 0),
        bandwidth integer NOT NULL CHECK (bandwidth > 0),
        average_bandwidth integer CHECK (average_bandwidth > 0),
        codecs text NOT NULL,
        frame_rate double precision CHECK (frame_rate > 0),
        playlist_key text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT ${nowMs},
        UNIQUE (video_id, name)
      )`,
      `CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ${sha256Hex}),
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        last_used_at timestamptz,
        revoked_at timestamptz
      )`,
      `CREATE TABLE upload_grants (
        token_hash text PRIMARY KEY CHECK (token_hash ${sha256Hex}),
        video_id text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`,
      `CREATE INDEX upload_grants_by_video ON upload_grants (video_id)`,
    ],
  },
  {
    version: 2,
    name: 'playback signing keys',
    statements: [
      // Operator keys keep only their public half; the one managed key (for /v1/videos/:id/token) keeps both.
      `CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL CHECK (alg IN ('ES256', 'RS256')),
        kind text NOT NULL CHECK (kind IN ('operator', 'managed')),
        public_jwk jsonb NOT NULL,
        private_jwk jsonb,
        created_at timestamptz NOT NULL DEFAULT ${nowMs},
        CHECK ((kind = 'managed') = (private_jwk IS NOT NULL))
      )`,
      `CREATE UNIQUE INDEX one_managed_signing_key ON signing_keys (kind) WHERE kind = 'managed'`,
    ],
  },
  {
    version: 3,
    name: 'channel configuration hash chains',
    statements: [
      // One row per channel that was ever updated: its root, the latest hash and the configuration there.
      `CREATE TABLE channel_config_heads (
        root_hash text COLLATE "C" PRIMARY KEY CHECK (root_hash ${sha256Hex}),
        channel_id text NOT NULL UNIQUE,
        latest_hash text NOT NULL CHECK (latest_hash ${sha256Hex}),
        height integer NOT NULL CHECK (height >= 0),
        config jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      // The run from the root to `hash` (operations + ops per update); only the latest hash keeps a row.
      `CREATE TABLE channel_config_patches (
        hash text COLLATE "C" PRIMARY KEY CHECK (hash ${sha256Hex}),
        root_hash text NOT NULL REFERENCES channel_config_heads (root_hash) ON DELETE CASCADE,
        patch jsonb NOT NULL,
        steps jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
      `CREATE INDEX channel_config_patches_by_root ON channel_config_patches (root_hash)`,
    ],
  },
  {
    version: 4,
    name: 'webhook message ids (replay protection)',
    statements: [
      // A webhook message id seen recently; a repeat is answered 2xx and not published again. Rows older than the replay window are pruned.
      `CREATE TABLE webhook_messages (
        source text NOT NULL,
        message_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT ${nowMs},
        PRIMARY KEY (source, message_id)
      )`,
      `CREATE INDEX webhook_messages_by_age ON webhook_messages (received_at)`,
    ],
  },
  ...processingTimeMigrations,
  ...liveMigrations,
  ...outgoingWebhookMigrations,
  ...hardeningMigrations,
  ...apiTokenScopeMigrations,
  ...channelMigrations,
  ...twitchLinkMigrations,
  ...videoVisibilityMigrations,
  ...outgoingWebhookOutboxMigrations,
  ...captionMigrations,
  ...autoCaptionMigrations,
  ...liveSrtMigrations,
  ...liveRestreamMigrations,
  ...liveLatencyMigrations,
  ...shieldPurgeMigrations,
];
