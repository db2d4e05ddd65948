import { Context } from '@temporalio/activity';

/** The workflow an activity runs for, for its log lines and signals (undefined in a bare call, e.g. a unit test). */
export function currentWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}
