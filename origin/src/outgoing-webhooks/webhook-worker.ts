import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { webhookTaskQueue } from '../../../contracts/webhooks.ts';
import { createWebhookActivities, type WebhookActivityDeps } from './delivery-activities.ts';

const workflowsPath = fileURLToPath(new URL('./delivery-workflow.ts', import.meta.url));

export interface WebhookWorkerDeps extends Omit<WebhookActivityDeps, 'log'> {
  temporalAddress: string;
  namespace: string;
  log: Logger;
  /** The delivery workflows bundled ahead (`workflowBundle.codePath`); without it they are bundled here at start. */
  workflowBundlePath?: string;
  /** Attempts in flight at once across all endpoints (default 50). */
  maxConcurrentAttempts?: number;
}

/**
 * Polls `vora-webhooks`: the delivery workflows and their one activity. A queue of its own (not `vora-origin`):
 * a slow receiver never holds a slot the transcode's DB activities need, and bundling the workflow never delays them.
 */
export async function startWebhookWorker(deps: WebhookWorkerDeps): Promise<{ stop(): Promise<void> }> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: deps.temporalAddress });
  } catch (error) {
    throw new Error(`Temporal is not reachable at ${deps.temporalAddress} — is \`npm start\` running? (${(error as Error).message})`);
  }
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: deps.namespace,
      taskQueue: webhookTaskQueue,
      ...(deps.workflowBundlePath ? { workflowBundle: { codePath: deps.workflowBundlePath } } : { workflowsPath }),
      activities: createWebhookActivities({ ...deps, log: deps.log.child({ component: 'webhook-worker' }) }),
      maxConcurrentActivityTaskExecutions: deps.maxConcurrentAttempts ?? 50,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run();
  running.catch((error: unknown) => deps.log.error({ event: 'webhook_worker_failed', err: error }, 'webhook worker stopped with an error'));
  deps.log.info({ event: 'webhook_worker_polling', taskQueue: webhookTaskQueue }, 'webhook worker polling');
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}
