import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { startInBackground } from '../background-start.ts';
import type { OriginConfig } from '../config.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import { kafkaClient } from '../kafka.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import type { LiveInputUrls } from '../live/live-input-view.ts';
import type { WebhookEndpoint } from './endpoint-store.ts';
import { dispatchWebhookEvent, startWebhookOutboxSweep } from './event-emitter.ts';
import { recordWebhookEvent } from './event-store.ts';
import { webhookUrlPolicy } from './url-safety.ts';
import { startWebhookEventConsumer } from './video-event-consumer.ts';
import { startWebhookWorker } from './webhook-worker.ts';

/** Tells the other endpoints that Vora disabled `endpoint` (event `webhook.endpoint_disabled`). */
export function announceDisabledEndpoint(sql: Sql, dispatcher: WebhookDispatcher) {
  return async (endpoint: WebhookEndpoint, reason: string): Promise<void> => {
    const { event } = await recordWebhookEvent(sql, {
      id: `evt_${randomUUID()}`,
      type: 'webhook.endpoint_disabled',
      occurredAt: new Date(),
      data: { id: endpoint.id, url: endpoint.url, reason },
      resourceId: endpoint.id,
    });
    await dispatchWebhookEvent(sql, dispatcher, event);
  };
}

/**
 * The background half of outgoing webhooks: the `vora-webhooks` worker (delivery workflows and attempts), the
 * `video-events` consumer that starts them, and the sweep that starts those of stored events nobody dispatched.
 * Each retries on its own while Temporal or Kafka is not up.
 */
export function startOutgoingWebhooks(config: OriginConfig, deps: { sql: Sql; dispatcher: WebhookDispatcher; sealedSecrets: SealedSecrets; liveUrls: LiveInputUrls; log: Logger }): { stop(): Promise<void> } {
  const { sql, dispatcher, log } = deps;
  const worker = startInBackground('webhook_worker', () => startWebhookWorker({
    sql,
    urlPolicy: webhookUrlPolicy(config.VORA_WEBHOOK_ALLOWED_NETWORKS),
    sealedSecrets: deps.sealedSecrets,
    timeoutMs: config.VORA_WEBHOOK_TIMEOUT_MS,
    endpointConcurrency: config.VORA_WEBHOOK_ENDPOINT_CONCURRENCY,
    onEndpointDisabled: announceDisabledEndpoint(sql, dispatcher),
    temporalAddress: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    workflowBundlePath: config.VORA_WEBHOOK_WORKFLOW_BUNDLE,
    log,
  }), log, 5_000);
  const consumer = startWebhookEventConsumer({ kafka: kafkaClient(config.kafkaBrokers, 'webhooks'), sql, dispatcher, liveUrls: () => deps.liveUrls, log });
  const sweep = startWebhookOutboxSweep({ sql, dispatcher, log });
  return {
    async stop() {
      await Promise.allSettled([consumer.stop(), worker.stop(), sweep.stop()]);
    },
  };
}
