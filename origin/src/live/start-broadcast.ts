import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { liveBroadcastWorkflowId, liveBroadcastWorkflowType, liveRepublishedSignalName, liveRestreamTargetsChangedSignalName, type LiveBroadcastInput } from '../../../contracts/live.ts';
import { transcodeTaskQueue } from '../../../contracts/transcode.ts';
import type { LiveInput } from './live-input-rows.ts';

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

/**
 * What an authorized publish sets going: a new broadcast's workflow, or — the publisher back within the reconnect
 * window — the republished signal to the current one, which runs the ladder again behind a discontinuity.
 */
export async function beginOrResumeBroadcast(client: Client, input: LiveInput, options: { pullBase: string; continued: boolean }): Promise<void> {
  const pullUrl = `${options.pullBase}/${input.id}`;
  if (options.continued) {
    await client.workflow.getHandle(liveBroadcastWorkflowId(input.id, input.broadcasts)).signal(liveRepublishedSignalName, pullUrl);
    return;
  }
  await startLiveBroadcast(client, { inputId: input.id, broadcast: input.broadcasts, pullUrl, reconnectWindowSeconds: input.reconnectWindowSeconds, recording: input.recording, latency: input.latency });
}

/** Tells the input's current broadcast that its restream targets changed; nothing to tell when it already finished. */
export async function signalRestreamTargetsChanged(client: Client, input: LiveInput): Promise<void> {
  try {
    await client.workflow.getHandle(liveBroadcastWorkflowId(input.id, input.broadcasts)).signal(liveRestreamTargetsChangedSignalName);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
