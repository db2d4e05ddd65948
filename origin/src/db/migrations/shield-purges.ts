import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', now())`;

/** Origin shield purges (issue 18), version 85. */
export const shieldPurgeMigrations: Migration[] = [
  {
    version: 85,
    name: 'shield purge outbox',
    statements: [
      // "BAN /media/{id}/ on this shield": one row per (deleted video, shield), written in the transaction that moves
      // the video to DELETED. Kept after it ends (done or abandoned) so that what happened stays visible.
      `CREATE TABLE shield_purges (
        video_id text COLLATE "C" NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        shield text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'abandoned')),
        requested_at timestamptz NOT NULL DEFAULT ${nowMs},
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT ${nowMs},
        last_error text,
        finished_at timestamptz,
        PRIMARY KEY (video_id, shield)
      )`,
      `CREATE INDEX shield_purges_due ON shield_purges (next_attempt_at) WHERE state = 'pending'`,
    ],
  },
];
