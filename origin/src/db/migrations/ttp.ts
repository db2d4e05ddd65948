import type { Migration } from '../migrations.ts';

const nowMs = `date_trunc('milliseconds', clock_timestamp())`;

/**
 * Processing times (issue 19): when the upload finished, when the video became PLAYABLE and READY. A trigger
 * records them at the state change itself, so every path that moves a video (upload hook, workflow, tools) counts.
 */
export const processingTimeMigrations: Migration[] = [
  {
    version: 10,
    name: 'processing times: upload finished, playable, ready',
    statements: [
      `ALTER TABLE videos ADD COLUMN upload_finished_at timestamptz, ADD COLUMN playable_at timestamptz, ADD COLUMN ready_at timestamptz`,
      `CREATE FUNCTION videos_record_processing_times() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.state IS DISTINCT FROM OLD.state THEN
          IF NEW.state = 'PROCESSING' THEN NEW.upload_finished_at := COALESCE(NEW.upload_finished_at, ${nowMs}); END IF;
          -- A video may go straight to READY: it was playable from then on.
          IF NEW.state IN ('PLAYABLE', 'READY') THEN NEW.playable_at := COALESCE(NEW.playable_at, ${nowMs}); END IF;
          IF NEW.state = 'READY' THEN NEW.ready_at := COALESCE(NEW.ready_at, ${nowMs}); END IF;
        END IF;
        RETURN NEW;
      END
      $$`,
      `CREATE TRIGGER videos_processing_times BEFORE UPDATE OF state ON videos FOR EACH ROW EXECUTE FUNCTION videos_record_processing_times()`,
      `CREATE INDEX videos_by_upload_finished ON videos (upload_finished_at) WHERE upload_finished_at IS NOT NULL`,
    ],
  },
];
