import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { transcodeWorkflowId } from '../../../contracts/transcode.ts';

/** What Temporal says about `video-{id}` (its execution status name), or NOT_FOUND when it has no such workflow. */
export type TranscodeWorkflowStatus = WorkflowExecutionStatusName | 'NOT_FOUND';

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;

/** Wait before the next attempt to start a workflow after `failedAttempts` failures: 1 s doubling, at most 30 s. */
export function transcodeStartRetryDelayMs(failedAttempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failedAttempts, 16)));
}

export type SweepVerdict =
  | { action: 'leave' }
  /** Temporal has no workflow for the video (the start never reached it, or its history was lost): start it again. */
  | { action: 'restart' }
  | { action: 'fail'; reason: string };

/**
 * What to do with a video still PROCESSING or PLAYABLE whose start is not pending, by its workflow's status.
 * A workflow that ended without moving the video (terminated by hand, its markFailed never ran…) is not
 * restarted: it could fail the same way forever. The video becomes FAILED with the status in its reason.
 */
export function sweepVerdict(videoId: string, status: TranscodeWorkflowStatus): SweepVerdict {
  const workflowId = transcodeWorkflowId(videoId);
  switch (status) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
    case 'PAUSED':
    case 'UNSPECIFIED':
    case 'UNKNOWN':
      return { action: 'leave' };
    case 'NOT_FOUND':
      return { action: 'restart' };
    case 'COMPLETED':
      return { action: 'fail', reason: `transcode workflow ${workflowId} completed without marking the video READY; upload the file again as a new video` };
    default:
      return { action: 'fail', reason: `transcode workflow ${workflowId} ended ${status} before the video was READY; upload the file again as a new video` };
  }
}
