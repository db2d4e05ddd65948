/** The worker that posts outgoing webhooks to a test's receiver (test/support/webhook-receiver.ts, re-exported here). */
import type { Logger } from 'pino';
import type { SealedSecrets } from '../../../origin/src/db/sealed-secrets.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';
import { webhookUrlPolicy } from '../../../origin/src/outgoing-webhooks/url-safety.ts';
import { startWebhookWorker } from '../../../origin/src/outgoing-webhooks/webhook-worker.ts';

/** The real `vora-webhooks` worker on a test's Temporal, allowed to post to 127.0.0.1, 2 s per attempt. */
export function startLocalWebhookWorker(deps: { sql: Sql; sealedSecrets: SealedSecrets; temporalPort: number; log: Logger }): Promise<{ stop(): Promise<void> }> {
  return startWebhookWorker({
    sql: deps.sql,
    urlPolicy: webhookUrlPolicy('127.0.0.1/32'),
    sealedSecrets: deps.sealedSecrets,
    timeoutMs: 2_000,
    endpointConcurrency: 4,
    onEndpointDisabled: async () => {},
    temporalAddress: `127.0.0.1:${deps.temporalPort}`,
    namespace: 'default',
    log: deps.log,
  });
}

export { WebhookReceiver, type ReceivedWebhook } from '../../support/webhook-receiver.ts';
