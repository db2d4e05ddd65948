import type { WorkflowHandle } from '@temporalio/client';

/**
 * A workflow's history as readable steps, in order: `scheduled:NAME`, `completed:NAME`, `failed:NAME`,
 * `signal:NAME` — enough to assert what happened before what.
 */
export async function historySteps(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const names = new Map<string, string>();
  const steps: string[] = [];
  for (const event of events) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      names.set(id, scheduled.activityType?.name ?? '?');
      steps.push(`scheduled:${scheduled.activityType?.name}`);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) steps.push(`completed:${names.get(String(completed.scheduledEventId))}`);
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) steps.push(`failed:${names.get(String(failed.scheduledEventId))}`);
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled) steps.push(`signal:${signalled.signalName}`);
  }
  return steps;
}

/** The result payload of the first completed activity of that name, decoded from JSON. */
export async function activityResult(handle: WorkflowHandle, name: string): Promise<unknown> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduledIds = new Set(events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === name).map((event) => String(event.eventId)));
  const completed = events.find((event) => scheduledIds.has(String(event.activityTaskCompletedEventAttributes?.scheduledEventId)));
  const payload = completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data;
  return payload ? JSON.parse(Buffer.from(payload).toString('utf8')) : undefined;
}

/** When the first activity of that name was scheduled, started and completed (server event times). */
export async function activityTimes(handle: WorkflowHandle, name: string): Promise<{ scheduled?: Date; started?: Date; completed?: Date }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const time = (event: (typeof events)[number] | undefined) => (event?.eventTime ? new Date(Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6)) : undefined);
  const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === name);
  const id = String(scheduled?.eventId);
  const started = events.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === id);
  const completed = events.find((event) => String(event.activityTaskCompletedEventAttributes?.scheduledEventId) === id);
  return { scheduled: time(scheduled), started: time(started), completed: time(completed) };
}
