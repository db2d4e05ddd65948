import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', now())`;

/**
 * Automatic captions (issue 25): what the upload asked for (NULL = as its channel's configuration says) and how
 * the last run ended. The track itself is a row of `caption_tracks` (`generated`), named by `track_id`.
 */
export const autoCaptionMigrations: Migration[] = [
  {
    version: 65,
    name: 'automatic captions: request and outcome per video',
    statements: [
      `CREATE TABLE video_auto_captions (
        video_id text COLLATE "C" PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
        requested_enabled boolean,
        requested_language text,
        state text CHECK (state IN ('generated', 'skipped', 'no-speech', 'failed', 'superseded')),
        language text,
        engine text,
        reason text,
        track_id text,
        cue_count integer CHECK (cue_count >= 0),
        audio_seconds double precision CHECK (audio_seconds >= 0),
        elapsed_seconds double precision CHECK (elapsed_seconds >= 0),
        updated_at timestamptz NOT NULL DEFAULT ${nowMs}
      )`,
    ],
  },
];
