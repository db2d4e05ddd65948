import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', now())`;

/** Hardening (issue 20), versions 40–44. */
export const hardeningMigrations: Migration[] = [
  {
    version: 40,
    name: 'transcode start outbox',
    statements: [
      // "Start workflow video-{id}": written in the transaction that moves the video to PROCESSING, deleted once
      // Temporal took the start. A row left behind (Temporal down) is retried by the outbox loop, never lost.
      `CREATE TABLE transcode_starts (
        video_id text COLLATE "C" PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
        source_key text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT ${nowMs},
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT ${nowMs},
        last_error text
      )`,
      `CREATE INDEX transcode_starts_due ON transcode_starts (next_attempt_at)`,
    ],
  },
];
