import type { Logger } from 'pino';
import { transcodeWorkflowId } from '../../../contracts/transcode.ts';
import type { Sql } from '../db/sql.ts';
import { quietTranscodingVideos, requestTranscodeStart } from '../db/transcode-starts.ts';
import { getVideo, transitionVideo } from '../db/videos.ts';
import { newVideoEvent, type VideoEventPublisher } from '../events/video-events.ts';
import { sweepVerdict, type TranscodeWorkflowStatus } from './stuck-video-rules.ts';

export interface StuckVideoSweeperDeps {
  sql: Sql;
  events: VideoEventPublisher;
  log: Logger;
  /** `transcodeWorkflowStatus(client, id)` bound; throws when Temporal does not answer (the sweep then waits). */
  workflowStatus: (videoId: string) => Promise<TranscodeWorkflowStatus>;
  /** Only videos untouched this long are looked at (default 2 min): a live encode reports progress more often. */
  quietMs?: number;
}

export interface SweepOutcome {
  failed: string[];
  restarted: string[];
}

/**
 * One sweep: each PROCESSING/PLAYABLE video with no pending start whose workflow is gone or ended is
 * restarted (no workflow at all: its start goes back into the outbox) or FAILED with the reason.
 */
export async function sweepStuckVideos(deps: StuckVideoSweeperDeps, now = new Date()): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { failed: [], restarted: [] };
  for (const { videoId, state } of await quietTranscodingVideos(deps.sql, new Date(now.getTime() - (deps.quietMs ?? 120_000)), 100)) {
    const verdict = sweepVerdict(videoId, await deps.workflowStatus(videoId));
    if (verdict.action === 'restart') {
      const sourceKey = (await getVideo(deps.sql, videoId))?.source?.key;
      if (typeof sourceKey !== 'string') continue;
      await requestTranscodeStart(deps.sql, videoId, sourceKey);
      deps.log.warn({ event: 'stuck_video_restarted', videoId, workflowId: transcodeWorkflowId(videoId), state }, 'Temporal has no workflow for this video: starting it again');
      outcome.restarted.push(videoId);
    } else if (verdict.action === 'fail') {
      // From the state read above only: a workflow that just marked the video READY wins the race.
      const moved = await transitionVideo(deps.sql, videoId, [state], 'FAILED', { failureReason: verdict.reason });
      if (!moved.ok) continue;
      await deps.events.publish(newVideoEvent(videoId, 'FAILED', { reason: verdict.reason }));
      deps.log.warn({ event: 'stuck_video_failed', videoId, workflowId: transcodeWorkflowId(videoId), reason: verdict.reason }, 'video FAILED: its workflow ended without finishing it');
      outcome.failed.push(videoId);
    }
  }
  return outcome;
}

/** Sweeps every `intervalMs` (default 60 s); a sweep that cannot reach Temporal or the DB is logged and tried next time. */
export function startStuckVideoSweeper(deps: StuckVideoSweeperDeps & { intervalMs?: number }): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepStuckVideos(deps)
      .then(
        (outcome) => (outcome.failed.length > 0 || outcome.restarted.length > 0) && deps.log.info({ event: 'stuck_videos_swept', ...outcome }, 'stuck videos swept'),
        (error: unknown) => deps.log.warn({ event: 'stuck_video_sweep_failed', err: (error as Error).message }, 'could not sweep for stuck videos (is Temporal up?); trying again later'),
      )
      .finally(() => (running = false));
  }, deps.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
