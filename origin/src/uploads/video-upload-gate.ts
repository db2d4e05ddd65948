import type { Logger } from 'pino';
import type { TranscodeVideoInput } from '../../../contracts/transcode.ts';
import type { Sql } from '../db/index.ts';
import { hashSecret } from '../db/secrets.ts';
import { consumeUploadGrant } from '../db/upload-grants.ts';
import { pendingTranscodeStart, requestTranscodeStart } from '../db/transcode-starts.ts';
import { transitionVideo } from '../db/videos.ts';
import { newVideoEvent, type VideoEventPublisher } from '../events/video-events.ts';
import type { VideoState } from '../videos/states.ts';
import { startPendingTranscode } from '../workflow/transcode-outbox.ts';
import { judgeGrant, type GrantRecord } from './grant-rules.ts';
import { UPLOAD_REFUSALS } from './refusals.ts';
import { refuse, type StoredUpload, type UploadGate } from './upload-gate.ts';

export interface VideoUploadGateDeps {
  sql: Sql;
  events: VideoEventPublisher;
  log: Logger;
  /** `startTranscode(client, input)` with its client bound; a duplicate start is a no-op. */
  startTranscode: (input: TranscodeVideoInput) => Promise<{ started: boolean }>;
}

/** Thrown inside the claim transaction to roll it back (the grant stays unused) when the video no longer waits for an upload. */
class ClaimRollback extends Error {
  constructor(readonly state: VideoState) {
    super(state);
  }
}

/**
 * Binds uploads to videos: a grant names the video, creation moves it CREATED → UPLOADING, the
 * finished file moves it to PROCESSING and, in the same transaction, records the start of `video-{id}`
 * (outbox `transcode_starts`); the start is tried at once, and by the outbox loop until Temporal takes it.
 * Each change is an event.
 */
export function videoUploadGate(deps: VideoUploadGateDeps): UploadGate & { expireStaleUploads(startedBefore: Date): Promise<number> } {
  const { sql, events, log } = deps;
  const sourceOf = (upload: StoredUpload) => ({ bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId, size: upload.size ?? null });

  async function failVideo(videoId: string, from: VideoState[], reason: string): Promise<boolean> {
    const moved = await transitionVideo(sql, videoId, from, 'FAILED', { failureReason: reason });
    if (moved.ok) await events.publish(newVideoEvent(videoId, 'FAILED', { reason }));
    return moved.ok;
  }

  return {
    async check(grant) {
      const { rows } = await sql.query<{ video_id: string; expires_at: Date; used_at: Date | null; state: VideoState }>(
        'SELECT g.video_id, g.expires_at, g.used_at, v.state FROM upload_grants g JOIN videos v ON v.id = g.video_id WHERE g.token_hash = $1',
        [hashSecret(grant)],
      );
      const row = rows[0];
      const record: GrantRecord | null = row ? { videoId: row.video_id, expiresAt: new Date(row.expires_at), usedAt: row.used_at && new Date(row.used_at), videoState: row.state } : null;
      return judgeGrant(record, new Date());
    },

    async claim(grant, upload) {
      try {
        const claimed = await sql.transaction(async (tx) => {
          const consumed = await consumeUploadGrant(tx, grant);
          if (!consumed.ok) return refuse(UPLOAD_REFUSALS.grantGoneAtClaim(consumed.reason));
          if (consumed.videoId !== upload.owner) return refuse(UPLOAD_REFUSALS.grantOfAnotherVideo());
          const moved = await transitionVideo(tx, upload.owner, ['CREATED'], 'UPLOADING', { source: sourceOf(upload) });
          if (!moved.ok) throw new ClaimRollback(moved.reason === 'state-mismatch' ? moved.current : 'DELETED');
          return { ok: true as const, value: undefined };
        });
        if (claimed.ok) await events.publish(newVideoEvent(upload.owner, 'UPLOADING'));
        return claimed;
      } catch (error) {
        if (error instanceof ClaimRollback) return refuse(UPLOAD_REFUSALS.videoHasUpload(upload.owner, error.state));
        throw error;
      }
    },

    async finished(upload) {
      const videoId = upload.owner;
      const moved = await sql.transaction(async (tx) => {
        const result = await transitionVideo(tx, videoId, ['UPLOADING'], 'PROCESSING', { source: sourceOf(upload) });
        // A repeated finish (PROCESSING already) records the start again: starting is idempotent by workflow id.
        if (result.ok || (result.reason === 'state-mismatch' && result.current === 'PROCESSING')) await requestTranscodeStart(tx, videoId, upload.key);
        return result;
      });
      if (moved.ok) await events.publish(newVideoEvent(videoId, 'PROCESSING'));
      else if (!(moved.reason === 'state-mismatch' && moved.current === 'PROCESSING')) {
        log.warn({ event: 'upload_finished_unwanted', videoId, uploadId: upload.uploadId, outcome: moved }, 'upload finished for a video that no longer waits for it; not transcoding');
        return;
      }
      const pending = await pendingTranscodeStart(sql, videoId);
      if (pending) await startPendingTranscode({ sql, start: deps.startTranscode, log }, pending);
    },

    async terminated(upload) {
      await failVideo(upload.owner, ['UPLOADING'], 'the upload was cancelled (TUS termination) before it finished; create a new video to upload again');
    },

    async expireStaleUploads(startedBefore) {
      const { rows } = await sql.query<{ id: string }>(`SELECT id FROM videos WHERE state = 'UPLOADING' AND updated_at < $1`, [startedBefore]);
      let failed = 0;
      for (const { id } of rows) {
        if (await failVideo(id, ['UPLOADING'], 'the upload did not finish in time and was removed; create a new video and upload again')) failed += 1;
      }
      return failed;
    },
  };
}
