import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { OriginActivities, ProbeVerdict, PublishedRendition, SourceProbe } from '../../../contracts/transcode.ts';
import { createAutoCaptionsActivities } from '../auto-captions/auto-captions-activities.ts';
import type { Sql } from '../db/sql.ts';
import { updateRenditionBandwidth } from '../db/rendition-bandwidth.ts';
import { recordRendition } from '../db/renditions.ts';
import { getVideo, transitionVideo, type VideoPatch } from '../db/videos.ts';
import { newVideoEvent, type VideoEventPublisher } from '../events/video-events.ts';
import type { VideoState } from '../videos/states.ts';
import { probeVerdict } from './probe-verdict.ts';

export interface OriginActivityDeps {
  sql: Sql;
  events: VideoEventPublisher;
  log: Logger;
  /** Where generated caption tracks are read from (the transcoder's staged WebVTT) and stored. */
  s3: S3Client;
  mediaBucket: string;
}

const videoNotFound = (videoId: string) =>
  ApplicationFailure.nonRetryable(`video ${videoId} does not exist in the metadata DB (deleted, or started by hand with a wrong id)`, 'VideoNotFound');

/**
 * The activities of the `vora-origin` task queue: the only place the transcode workflow changes a
 * video's row, state and events. Each is idempotent — a retry finds its work done and publishes nothing twice.
 */
export function createOriginActivities(deps: OriginActivityDeps): OriginActivities {
  const { sql, events } = deps;

  /** Moves `videoId` from one of `from` to `to`; already there → no-op; publishes only a move it made. */
  async function transitionAndPublish(videoId: string, from: VideoState[], to: VideoState, patch: VideoPatch = {}, reason?: string): Promise<void> {
    const result = await transitionVideo(sql, videoId, from, to, patch);
    if (result.ok) {
      deps.log.info({ event: 'video_state', videoId, state: to, reason }, `video ${to}`);
      await events.publish(newVideoEvent(videoId, to, reason === undefined ? {} : { reason }));
      return;
    }
    if (result.reason === 'not-found') throw videoNotFound(videoId);
    if (result.reason === 'state-mismatch' && (result.current === to || result.current === 'DELETED')) return;
    if (result.reason === 'state-mismatch' && to === 'PLAYABLE' && result.current === 'READY') return;
    throw ApplicationFailure.nonRetryable(`video ${videoId} cannot move to ${to}: ${result.reason === 'state-mismatch' ? `it is ${result.current}` : result.reason}`, 'IllegalTransition');
  }

  return {
    ...createAutoCaptionsActivities({ sql, s3: deps.s3, mediaBucket: deps.mediaBucket, log: deps.log }),

    async acceptProbe({ videoId, probe }: { videoId: string; probe: SourceProbe }): Promise<ProbeVerdict> {
      const video = await getVideo(sql, videoId);
      if (!video) throw videoNotFound(videoId);
      const verdict = probeVerdict(probe, video.maxDurationSeconds);
      const { rows } = await sql.query<{ id: string }>(
        `UPDATE videos SET duration_seconds = $2, source = COALESCE(source, '{}'::jsonb) || $3::jsonb, updated_at = date_trunc('milliseconds', now()) WHERE id = $1 RETURNING id`,
        [videoId, probe.durationSeconds, JSON.stringify({ probe })],
      );
      if (rows.length === 0) throw videoNotFound(videoId);
      return verdict;
    },

    async setProgress({ videoId, progress }) {
      // GREATEST: a late or retried report never moves progress backwards.
      await sql.query(
        `UPDATE videos SET progress = GREATEST(progress, $2), updated_at = date_trunc('milliseconds', now()) WHERE id = $1 AND state IN ('PROCESSING', 'PLAYABLE')`,
        [videoId, Math.min(1, Math.max(0, progress))],
      );
    },

    async recordRenditions({ videoId, renditions }: { videoId: string; renditions: PublishedRendition[] }) {
      for (const rendition of renditions) {
        await recordRendition(sql, { videoId, ...rendition });
      }
      deps.log.info({ event: 'renditions_recorded', videoId, renditions: renditions.map((rendition) => rendition.name) }, 'renditions recorded');
    },

    async updateRenditionBandwidth(input) {
      if (!(await updateRenditionBandwidth(sql, input))) throw ApplicationFailure.nonRetryable(`video ${input.videoId} has no rendition ${input.name} to update`, 'RenditionNotFound');
    },

    markPlayable: ({ videoId }) => transitionAndPublish(videoId, ['PROCESSING'], 'PLAYABLE'),
    markReady: ({ videoId, thumbnailKey }) => transitionAndPublish(videoId, ['PROCESSING', 'PLAYABLE'], 'READY', { thumbnailKey, progress: 1 }),
    markFailed: ({ videoId, reason }) => transitionAndPublish(videoId, ['CREATED', 'UPLOADING', 'PROCESSING', 'PLAYABLE'], 'FAILED', { failureReason: reason }, reason),
  };
}
