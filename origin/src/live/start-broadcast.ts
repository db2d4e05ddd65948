import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { liveBroadcastWorkflowId, liveBroadcastWorkflowType, type LiveBroadcastInput } from '../../../contracts/live.ts';
import { transcodeTaskQueue } from '../../../contracts/transcode.ts';

/**
 * Starts `live-{inputId}-{n}` on the transcoder's workflow queue (its ladder activity runs on `vora-live`).
 * A second start of the same broadcast (nginx retrying its hook) is a no-op.
 */
export async function startLiveBroadcast(client: Client, input: LiveBroadcastInput): Promise<{ started: boolean; workflowId: string }> {
  const workflowId = liveBroadcastWorkflowId(input.inputId, input.broadcast);
  try {
    await client.workflow.start(liveBroadcastWorkflowType, { taskQueue: transcodeTaskQueue, workflowId, args: [input], workflowIdConflictPolicy: 'FAIL' });
    return { started: true, workflowId };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { started: false, workflowId };
  }
}
