import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { transcodeTaskQueue, transcodeWorkflowId, type TranscodeVideoInput } from './contract.ts';
import type { transcodeVideo } from './workflows.ts';

export interface TranscodeStart {
  /** False when `video-{id}` already ran or runs: the start was a no-op and `handle` points at that execution. */
  started: boolean;
  handle: WorkflowHandle<typeof transcodeVideo>;
}

/**
 * Starts `video-{videoId}` on `vora-transcode`, at most once per video (the origin's side of the contract).
 * Reuse policy ALLOW_DUPLICATE_FAILED_ONLY: a running or completed video is never transcoded twice,
 * but a failed one may be started again once its cause is fixed (a retry after FAILED).
 */
export async function startTranscode(client: Client, input: TranscodeVideoInput): Promise<TranscodeStart> {
  const workflowId = transcodeWorkflowId(input.videoId);
  try {
    const handle = await client.workflow.start<typeof transcodeVideo>('transcodeVideo', {
      taskQueue: transcodeTaskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'FAIL',
    });
    return { started: true, handle };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { started: false, handle: client.workflow.getHandle<typeof transcodeVideo>(workflowId) };
  }
}
