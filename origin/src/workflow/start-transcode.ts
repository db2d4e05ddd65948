import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  transcodeTaskQueue,
  transcodeWorkflowId,
  transcodeWorkflowType,
  type TranscodeVideoInput,
  type TranscodeVideoWorkflow,
} from '../../../contracts/transcode.ts';
import type { TranscodeWorkflowStatus } from './stuck-video-rules.ts';

export interface TranscodeStart {
  /** False when `video-{id}` already ran or runs: the start was a no-op and `handle` points at that execution. */
  started: boolean;
  handle: WorkflowHandle<TranscodeVideoWorkflow>;
}

/**
 * Starts `video-{videoId}` on `vora-transcode` by the workflow's name, at most once per video.
 * Reuse policy ALLOW_DUPLICATE_FAILED_ONLY: a running or completed video is never transcoded twice,
 * but a failed one may be started again once its cause is fixed (a retry after FAILED).
 */
export async function startTranscode(client: Client, input: TranscodeVideoInput): Promise<TranscodeStart> {
  const workflowId = transcodeWorkflowId(input.videoId);
  try {
    const handle = await client.workflow.start<TranscodeVideoWorkflow>(transcodeWorkflowType, {
      taskQueue: transcodeTaskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'FAIL',
    });
    return { started: true, handle };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { started: false, handle: client.workflow.getHandle<TranscodeVideoWorkflow>(workflowId) };
  }
}

/** The status of `video-{videoId}`'s latest run, NOT_FOUND when Temporal has none; throws when Temporal does not answer. */
export async function transcodeWorkflowStatus(client: Client, videoId: string): Promise<TranscodeWorkflowStatus> {
  try {
    const description = await client.workflow.getHandle(transcodeWorkflowId(videoId)).describe();
    return description.status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw error;
  }
}
