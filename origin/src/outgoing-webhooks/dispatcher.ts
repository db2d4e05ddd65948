import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { eventMatchesFilters, webhookDeliveryWorkflowId, webhookDeliveryWorkflowType, webhookTaskQueue, type DeliverWebhookInput } from '../../../contracts/webhooks.ts';
import type { Sql } from '../db/sql.ts';
import { ensureWebhookDelivery, startNextDeliveryRun, type WebhookDelivery } from './delivery-store.ts';
import { listEnabledWebhookEndpoints, type WebhookEndpoint } from './endpoint-store.ts';
import type { StoredWebhookEvent } from './event-store.ts';

export interface WebhookDispatcherDeps {
  sql: Sql;
  temporal: Client;
  /** Seconds before each attempt (VORA_WEBHOOK_RETRY_SCHEDULE). */
  scheduleSeconds: number[];
  log: Logger;
}

export interface WebhookDispatcher {
  /** Starts one delivery per matching enabled endpoint (or only to `endpoints`); repeats start nothing. Returns the deliveries started. */
  dispatch(event: StoredWebhookEvent, endpoints?: WebhookEndpoint[]): Promise<WebhookDelivery[]>;
  /** A new run of a finished delivery (retry, replay); null when it is still pending. */
  redeliver(deliveryId: string): Promise<WebhookDelivery | null>;
}

/**
 * Event → deliveries → Temporal. Each (event, endpoint) has one delivery row and, per run, one workflow whose id is
 * derived from both: a duplicated Kafka message or a second origin finds them and starts nothing new.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const { sql, temporal, log } = deps;

  async function startRun(delivery: WebhookDelivery): Promise<boolean> {
    const input: DeliverWebhookInput = { deliveryId: delivery.id, run: delivery.run, scheduleSeconds: deps.scheduleSeconds };
    try {
      await temporal.workflow.start(webhookDeliveryWorkflowType, {
        taskQueue: webhookTaskQueue,
        workflowId: webhookDeliveryWorkflowId(delivery.endpointId, delivery.eventId, delivery.run),
        args: [input],
        // Never twice, not even after the first run ended: a later run has its own id.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  return {
    async dispatch(event, only) {
      const endpoints = only ?? (await listEnabledWebhookEndpoints(sql)).filter((endpoint) => eventMatchesFilters(endpoint.events, event.type));
      // The endpoints' deliveries start side by side: each is its own row and workflow, so an event's time to its
      // last endpoint is one Temporal round trip rather than one per endpoint.
      const outcomes = await Promise.all(
        endpoints.map(async (endpoint) => {
          const { delivery, created } = await ensureWebhookDelivery(sql, endpoint.id, event.id);
          // A delivery that already ended was started before: its workflow may be gone from Temporal's retention, so the row decides.
          if (!created && delivery.status !== 'pending') return null;
          if (!(await startRun(delivery))) return null;
          log.debug({ event: 'webhook_delivery_started', deliveryId: delivery.id, endpointId: endpoint.id, eventId: event.id, type: event.type }, 'webhook delivery started');
          return delivery;
        }),
      );
      return outcomes.filter((delivery): delivery is WebhookDelivery => delivery !== null);
    },

    async redeliver(deliveryId) {
      const delivery = await startNextDeliveryRun(sql, deliveryId);
      if (!delivery) return null;
      await startRun(delivery);
      log.info({ event: 'webhook_redelivery_started', deliveryId, run: delivery.run }, 'webhook delivery started again');
      return delivery;
    },
  };
}
