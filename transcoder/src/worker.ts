import { Runtime } from '@temporalio/worker';
import { loadTranscoderConfig } from './config.ts';
import { createTranscodeWorker } from './create-worker.ts';
import { createTranscoderLogger, PinoTemporalLogger } from './logger.ts';

/** The transcoder process: polls its task queues (TRANSCODE_TASK_QUEUES) until SIGINT/SIGTERM, then drains and exits. */
async function main(): Promise<void> {
  const config = loadTranscoderConfig();
  const logger = createTranscoderLogger(config.logLevel);
  Runtime.install({ logger: new PinoTemporalLogger(logger) });

  const startedAt = Date.now();
  const { worker, connection, identity } = await createTranscodeWorker(config, logger);
  logger.info(
    { taskQueues: config.taskQueues, address: config.temporal.address, namespace: config.temporal.namespace, identity, startupMs: Date.now() - startedAt },
    'worker polling',
  );
  try {
    await worker.run(); // returns after a shutdown signal, once in-flight tasks are done
  } finally {
    await connection.close();
  }
  logger.info({ identity }, 'worker stopped');
}

main().catch((error: unknown) => {
  console.error(`transcoder worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
