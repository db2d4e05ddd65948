/** The origin process: config → dependencies → HTTP server; stops cleanly on SIGTERM/SIGINT. */
import { serve } from '@hono/node-server';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { createOriginApp } from './app.ts';
import { loadOriginConfig } from './config.ts';
import { databaseCheck, kafkaCheck, minioCheck, temporalCheck } from './health/checks.ts';
import { openDatabase } from './db/index.ts';
import { ensureBootstrapToken } from './db/bootstrap-token.ts';

const config = loadOriginConfig();
const log = pino({ level: config.LOG_LEVEL, base: { service: 'origin' } });

const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
await ensureBootstrapToken(db, config.VORA_API_TOKEN);
log.info({ event: 'database_ready', backend: config.DATABASE_URL ? 'postgres' : 'pglite' }, 'metadata database ready');

const kafka = new Kafka({ clientId: 'vora-origin', brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_500 });
const kafkaAdmin = kafka.admin();

const app = createOriginApp({
  log,
  healthChecks: [
    databaseCheck(() => db.query('select 1')),
    minioCheck(config.S3_ENDPOINT),
    temporalCheck(config.TEMPORAL_ADDRESS),
    kafkaCheck(kafkaAdmin),
  ],
});

const server = serve({ fetch: app.fetch, hostname: config.ORIGIN_HOST, port: config.ORIGIN_PORT }, (info) => {
  log.info({ event: 'listening', url: `http://${info.address}:${info.port}` }, 'origin listening');
});

async function shutdown(signal: string): Promise<void> {
  log.info({ event: 'shutdown', signal }, 'stopping');
  server.close();
  await Promise.allSettled([kafkaAdmin.disconnect(), db.close()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
