import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ReplayWebhooksBody,
  WebhookDeliveryId,
  WebhookDeliveryStatus,
  WebhookEndpointId,
  eventMatchesFilters,
  webhookDeliveryWorkflowId,
  webhookReplayWorkflowType,
  webhookTaskQueue,
  type ReplayItem,
  type ReplayWebhooksInput,
  type WebhookRedeliveryAnswer,
} from '../../../contracts/webhooks.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { Sql } from '../db/sql.ts';
import { ensureWebhookDelivery, listWebhookDeliveries, startNextDeliveryRun, webhookDeliveryView } from './delivery-store.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import { noWebhookEndpoint } from './endpoint-routes.ts';
import { getWebhookEndpoint } from './endpoint-store.ts';
import { listWebhookEventsSince, recordWebhookEvent } from './event-store.ts';

export interface WebhookDeliveryRoutesDeps {
  sql: Sql;
  dispatcher: WebhookDispatcher;
  temporal: Client;
  scheduleSeconds: number[];
  log: Logger;
}

/** A replay resends at most this many events; a longer one is asked for again from the last one sent. */
export const MAX_REPLAY_EVENTS = 10_000;

const EndpointParam = z.object({ id: WebhookEndpointId });
const DeliveryParam = z.object({ id: WebhookDeliveryId });
const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), status: WebhookDeliveryStatus.optional() });

/**
 * The delivery log and its actions. Mount twice: `/v1/webhook-endpoints` (`/:id/deliveries`, `/:id/test`,
 * `/:id/replay`) and `/v1/webhook-deliveries` (`/:id/retry`); each answers 202 once the work is started, never waits for it.
 */
export function webhookDeliveryRoutes(deps: WebhookDeliveryRoutesDeps): { endpoints: Hono; deliveries: Hono } {
  const { sql, log } = deps;
  const endpoints = new Hono();
  const deliveries = new Hono();

  const endpointOr404 = async (id: string) => {
    const endpoint = await getWebhookEndpoint(sql, id);
    if (!endpoint) throw noWebhookEndpoint(id);
    return endpoint;
  };

  endpoints.get('/:id/deliveries', validate('param', EndpointParam), validate('query', DeliveriesQuery), async (c) => {
    const { id } = c.req.valid('param');
    await endpointOr404(id);
    const page = await listWebhookDeliveries(sql, id, c.req.valid('query'));
    return c.json({ deliveries: page.map(webhookDeliveryView) });
  });

  endpoints.post('/:id/test', validate('param', EndpointParam), async (c) => {
    const endpoint = await endpointOr404(c.req.valid('param').id);
    if (!endpoint.enabled) throw new ApiError(409, `webhook endpoint ${endpoint.id} is disabled (${endpoint.disabledReason}); enable it first: PATCH {"enabled": true}`);
    const { event } = await recordWebhookEvent(sql, {
      id: `evt_${randomUUID()}`,
      type: 'webhook.test',
      occurredAt: new Date(),
      data: { endpointId: endpoint.id, message: 'A test event from Vora: this endpoint receives and verifies webhooks.' },
      resourceId: null,
    });
    const started = await deps.dispatcher.dispatch(event, [endpoint]);
    const answer: WebhookRedeliveryAnswer = { deliveries: started.map((delivery) => delivery.id), skipped: 0 };
    return c.json(answer, 202);
  });

  endpoints.post('/:id/replay', validate('param', EndpointParam), validate('json', ReplayWebhooksBody), async (c) => {
    const endpoint = await endpointOr404(c.req.valid('param').id);
    if (!endpoint.enabled) throw new ApiError(409, `webhook endpoint ${endpoint.id} is disabled (${endpoint.disabledReason}); enable it first: PATCH {"enabled": true}`);
    const since = new Date(c.req.valid('json').since);
    const events = (await listWebhookEventsSince(sql, since, MAX_REPLAY_EVENTS)).filter((event) => event.type !== 'webhook.test' && eventMatchesFilters(endpoint.events, event.type));
    const items: ReplayItem[] = [];
    let skipped = 0;
    for (const event of events) {
      const { delivery, created } = await ensureWebhookDelivery(sql, endpoint.id, event.id);
      // Still pending: its own workflow is on it, and sends it anyway.
      const run = created ? delivery : await startNextDeliveryRun(sql, delivery.id);
      if (!run) {
        skipped += 1;
        continue;
      }
      items.push({ deliveryId: run.id, run: run.run, workflowId: webhookDeliveryWorkflowId(endpoint.id, event.id, run.run) });
    }
    if (items.length > 0) {
      const input: ReplayWebhooksInput = { items, scheduleSeconds: deps.scheduleSeconds };
      await deps.temporal.workflow.start(webhookReplayWorkflowType, { taskQueue: webhookTaskQueue, workflowId: `webhook-replay-${endpoint.id}-${randomUUID()}`, args: [input] });
    }
    log.info({ event: 'webhook_replay_started', endpointId: endpoint.id, since: since.toISOString(), events: items.length, skipped }, 'webhook replay started');
    const answer: WebhookRedeliveryAnswer = { deliveries: items.map((item) => item.deliveryId), skipped };
    return c.json(answer, 202);
  });

  deliveries.post('/:id/retry', validate('param', DeliveryParam), async (c) => {
    const { id } = c.req.valid('param');
    const delivery = await deps.dispatcher.redeliver(id);
    if (!delivery) {
      const exists = (await sql.query('SELECT 1 FROM webhook_deliveries WHERE id = $1', [id])).rows.length === 1;
      if (!exists) throw new ApiError(404, `no webhook delivery ${id} (\`vora webhooks deliveries ENDPOINT\` lists them)`);
      throw new ApiError(409, `webhook delivery ${id} is still pending: its next attempt is scheduled; retry it once it has failed`);
    }
    const answer: WebhookRedeliveryAnswer = { deliveries: [delivery.id], skipped: 0 };
    return c.json(answer, 202);
  });

  return { endpoints, deliveries };
}
