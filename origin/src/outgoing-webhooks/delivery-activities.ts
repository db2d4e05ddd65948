import type { Logger } from 'pino';
import type { WebhookActivities, WebhookAttemptOutcome } from '../../../contracts/webhooks.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import { getWebhookDelivery, giveUpWebhookDelivery, recordWebhookAttempt } from './delivery-store.ts';
import { disableWebhookEndpoint, getWebhookEndpoint, openSigningSecrets, recordEndpointHealth, type WebhookEndpoint } from './endpoint-store.ts';
import { endpointLimiter } from './endpoint-limiter.ts';
import { getWebhookEvent } from './event-store.ts';
import { postWebhook } from './post-webhook.ts';
import { signingSecrets, webhookRequestHeaders } from './signing.ts';
import type { WebhookUrlPolicy } from './url-safety.ts';

/** An endpoint that has failed every attempt this long is disabled (and the other endpoints are told). */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;

export interface WebhookActivityDeps {
  sql: Sql;
  urlPolicy: WebhookUrlPolicy;
  /** Opens the endpoints' secrets to sign with (`VORA_SECRETS_KEY`). */
  sealedSecrets: SealedSecrets;
  timeoutMs: number;
  /** Requests in flight to one endpoint from this process. */
  endpointConcurrency: number;
  log: Logger;
  /** Called once when Vora disables an endpoint (to send `webhook.endpoint_disabled`); best-effort. */
  onEndpointDisabled?: (endpoint: WebhookEndpoint, reason: string) => Promise<void>;
}

/** Why an attempt's outcome disables its endpoint, or null. */
export function disableReason(outcome: { statusCode: number | null; failingSince: Date | null; now: Date }): string | null {
  if (outcome.statusCode === 410) return 'the receiver answered 410 Gone';
  if (outcome.failingSince !== null && outcome.now.getTime() - outcome.failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) {
    return `every delivery failed since ${outcome.failingSince.toISOString()} (5 days)`;
  }
  return null;
}

/**
 * `attemptWebhookDelivery`: one signed POST of one delivery, logged, folded into the delivery and the endpoint's
 * failure clock. HTTP failures are outcomes (the workflow owns the schedule); only DB trouble throws (Temporal retries).
 * Every attempt carries the same `webhook-id` (the event id) and a fresh timestamp and signature.
 */
export function createWebhookActivities(deps: WebhookActivityDeps): WebhookActivities {
  const { sql, log } = deps;
  const withSlot = endpointLimiter(deps.endpointConcurrency);

  return {
    async attemptWebhookDelivery({ deliveryId, run, attempt, nextDelaySeconds }): Promise<WebhookAttemptOutcome> {
      const delivery = await getWebhookDelivery(sql, deliveryId);
      // Gone with its endpoint, or superseded by a newer run (a retry asked for meanwhile): nothing to do.
      if (!delivery || delivery.run !== run) return 'gave-up';
      const [endpoint, event] = await Promise.all([getWebhookEndpoint(sql, delivery.endpointId), getWebhookEvent(sql, delivery.eventId)]);
      if (!endpoint || !event) return 'gave-up';
      if (!endpoint.enabled) {
        await giveUpWebhookDelivery(sql, deliveryId, run, `endpoint disabled: ${endpoint.disabledReason ?? 'by the operator'}`);
        return 'gave-up';
      }

      const attemptedAt = new Date();
      const message = { id: event.id, timestamp: Math.floor(attemptedAt.getTime() / 1000), body: event.body };
      const headers = webhookRequestHeaders(message, signingSecrets(openSigningSecrets(endpoint, deps.sealedSecrets), attemptedAt));
      const outcome = await withSlot(endpoint.id, () => postWebhook({ url: endpoint.url, headers, body: event.body, timeoutMs: deps.timeoutMs, policy: deps.urlPolicy }));

      const statusCode = outcome.kind === 'response' ? outcome.statusCode : null;
      const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
      // A healthy endpoint's success changes nothing on its failure clock: no write for it.
      const health = delivered && endpoint.failingSince === null ? endpoint : await recordEndpointHealth(sql, endpoint.id, delivered, attemptedAt);
      const disabling = delivered ? null : disableReason({ statusCode, failingSince: health?.failingSince ?? null, now: attemptedAt });
      const status = delivered ? 'delivered' : disabling !== null || nextDelaySeconds === null ? 'failed' : 'pending';
      await recordWebhookAttempt(sql, {
        deliveryId,
        run,
        attempt,
        attemptedAt,
        statusCode,
        responseBody: outcome.kind === 'response' ? outcome.body : null,
        error: outcome.kind === 'error' ? outcome.error : null,
        latencyMs: outcome.latencyMs,
        status,
        nextAttemptAt: status === 'pending' ? new Date(attemptedAt.getTime() + nextDelaySeconds! * 1000) : null,
      });
      log.info(
        { event: 'webhook_attempt', deliveryId, endpointId: endpoint.id, eventId: event.id, run, attempt, statusCode, error: outcome.kind === 'error' ? outcome.error : undefined, latencyMs: outcome.latencyMs, status },
        `webhook attempt ${attempt}: ${status}`,
      );

      if (disabling !== null && (await disableWebhookEndpoint(sql, endpoint.id, disabling))) {
        log.warn({ event: 'webhook_endpoint_disabled', endpointId: endpoint.id, reason: disabling }, 'webhook endpoint disabled');
        await deps.onEndpointDisabled?.(endpoint, disabling).catch((error: unknown) => log.warn({ event: 'webhook_disabled_event_failed', endpointId: endpoint.id, err: error }, 'could not announce the disabled endpoint'));
      }
      return delivered ? 'delivered' : status === 'failed' ? 'gave-up' : 'retry';
    },
  };
}
