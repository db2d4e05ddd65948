import { Context } from '@temporalio/activity';
import { progressSignalName } from '../../../contracts/transcode.ts';
import { currentWorkflowId } from './workflow-id.ts';

/** Signals the workflow this activity runs for; resolves false outside a worker (unit tests) or when the signal fails. */
export async function signalOwnWorkflow(name: string, payload: unknown): Promise<boolean> {
  try {
    const workflowId = currentWorkflowId();
    if (!workflowId) return false;
    await Context.current().client.workflow.getHandle(workflowId).signal(name, payload);
    return true;
  } catch {
    return false;
  }
}

/** Tells the workflow how far the job is; best-effort and not awaited (progress is not worth slowing an encode for). */
export function signalProgress(progress: number): void {
  void signalOwnWorkflow(progressSignalName, progress);
}
