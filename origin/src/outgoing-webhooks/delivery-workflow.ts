// Deterministic workflow code: bundled by the Temporal worker; imports activity *types* only.
import { ParentClosePolicy, patched, proxyActivities, proxyLocalActivities, sleep, startChild } from '@temporalio/workflow';
import type { DeliverWebhookInput, ReplayWebhooksInput, WebhookActivities, WebhookAttemptOutcome } from '../../../contracts/webhooks.ts';

const { attemptWebhookDelivery } = proxyActivities<WebhookActivities>({
  // An attempt is one POST bounded by its own 15 s timeout, plus a few DB writes.
  startToCloseTimeout: '1 minute',
  // Retries here are for the origin's own trouble (DB down, worker lost); the receiver's failures follow the schedule.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

// The same attempt as a local activity: it runs inside the workflow task on the worker that holds the workflow, with
// no activity task through the server; its result is one marker in the history instead of three activity events.
const { attemptWebhookDelivery: attemptLocally } = proxyLocalActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/**
 * `deliverWebhook`: one (event, endpoint) run, attempt after attempt along `scheduleSeconds` until the receiver
 * takes it, answers 410, or the schedule ends. Durable timers: an origin restart mid-schedule loses nothing.
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<WebhookAttemptOutcome> {
  const schedule = input.scheduleSeconds;
  const firstAttempt = input.firstAttempt ?? 1;
  // Runs started before attempts became local activities replay with the activity they scheduled.
  const attempt = patched('webhook-attempts-as-local-activities') ? attemptLocally : attemptWebhookDelivery;
  for (let index = 0; index < schedule.length; index += 1) {
    if (schedule[index]! > 0) await sleep(schedule[index]! * 1000);
    const nextDelaySeconds = index + 1 < schedule.length ? schedule[index + 1]! : null;
    const outcome = await attempt({ deliveryId: input.deliveryId, run: input.run, attempt: firstAttempt + index, nextDelaySeconds });
    if (outcome !== 'retry') return outcome;
  }
  return 'gave-up';
}

/**
 * `replayWebhooks`: first attempts strictly in the given (event) order; a delivery that fails its first attempt
 * continues on its own schedule in a `deliverWebhook` run of its own, so one bad event does not hold up the rest.
 */
export async function replayWebhooks(input: ReplayWebhooksInput): Promise<{ delivered: number; retrying: number; gaveUp: number }> {
  const counts = { delivered: 0, retrying: 0, gaveUp: 0 };
  const rest = input.scheduleSeconds.slice(1);
  for (const item of input.items) {
    const outcome = await attemptWebhookDelivery({ deliveryId: item.deliveryId, run: item.run, attempt: 1, nextDelaySeconds: rest[0] ?? null });
    if (outcome === 'delivered') counts.delivered += 1;
    else if (outcome === 'gave-up') counts.gaveUp += 1;
    else {
      counts.retrying += 1;
      await startChild(deliverWebhook, {
        workflowId: item.workflowId,
        args: [{ deliveryId: item.deliveryId, run: item.run, scheduleSeconds: rest, firstAttempt: 2 }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    }
  }
  return counts;
}
