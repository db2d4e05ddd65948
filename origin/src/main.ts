/** The origin process: config → dependencies → HTTP server; stops cleanly on SIGTERM/SIGINT. */
import { serve } from '@hono/node-server';
import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { startTranscode } from './workflow/start-transcode.ts';
import { transcodeWorkflowId } from '../../contracts/transcode.ts';
import { createOriginApp, uploadsPath } from './app.ts';
import { loadOriginConfig } from './config.ts';
import { clickhouseCheck, databaseCheck, kafkaCheck, minioCheck, temporalCheck } from './health/checks.ts';
import { openDatabase } from './db/index.ts';
import { verifyApiToken } from './db/api-tokens.ts';
import { ensureBootstrapToken } from './db/bootstrap-token.ts';
import { createVideoEventPublisher } from './events/video-events.ts';
import { gatewayRoutes } from './gateway/routes.ts';
import { startJwksSync } from './keys/edge-sync.ts';
import { startRoomBridge } from './bridge/room-bridge.ts';
import { openClickHouse } from './analytics/clickhouse.ts';
import { internalBeaconRoutes } from './analytics/internal-routes.ts';
import { createPlaybackEventProducer } from './analytics/producer.ts';
import { dropExpiredPartitions } from './analytics/schema.ts';
import { startPlaybackEventsSink } from './analytics/sink.ts';
import { createChannelEventPublisher } from './webhooks/channel-event-publisher.ts';
import { sqlMessageIdStore } from './webhooks/message-ids.ts';
import { twitchWebhookRoutes } from './webhooks/twitch-routes.ts';
import { createConfigUpdatePublisher, startConfigRequestResponder } from './channel-config/kafka.ts';
import { channelIdFromStore, startEdgeConfigWriter } from './channel-config/edge-writer.ts';
import { startUploadExpiry } from './uploads/expiry.ts';
import { createTusUploads } from './uploads/tus-server.ts';
import { videoUploadGate } from './uploads/video-upload-gate.ts';
import { startOriginWorker } from './workflow/origin-worker.ts';
import { startInBackground } from './background-start.ts';

const config = loadOriginConfig();
const log = pino({ level: config.LOG_LEVEL, base: { service: 'origin' } });

const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
await ensureBootstrapToken(db, config.VORA_API_TOKEN);
log.info({ event: 'database_ready', backend: config.DATABASE_URL ? 'postgres' : 'pglite' }, 'metadata database ready');

const kafka = new Kafka({ clientId: 'vora-origin', brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_500 });
const kafkaAdmin = kafka.admin();
const events = createVideoEventPublisher({ brokers: config.kafkaBrokers, log });

const s3Config = {
  endpoint: config.S3_ENDPOINT,
  region: config.S3_REGION,
  forcePathStyle: true,
  credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY },
};
const s3 = new S3Client(s3Config);

// Lazy: the origin starts (and answers /healthz) while Temporal is still coming up.
const temporalConnection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE });

const gate = videoUploadGate({ sql: db, events, log, startTranscode: (input) => startTranscode(temporal, input) });
const uploads = createTusUploads({
  s3: s3Config,
  bucket: config.S3_RAW_BUCKET,
  path: uploadsPath,
  maxSizeBytes: config.VORA_MAX_UPLOAD_BYTES,
  expirationMs: config.VORA_UPLOAD_EXPIRATION_SECONDS * 1000,
  gate,
  log,
});
const stopUploadExpiry = startUploadExpiry({ uploads, expireStaleUploads: gate.expireStaleUploads, log });

/** DELETE of a video stops its transcode; a workflow that never started or already ended is fine. */
async function stopTranscode(videoId: string): Promise<void> {
  try {
    await temporal.workflow.getHandle(transcodeWorkflowId(videoId)).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

// Playback keys live in the DB; the edge verifies with the public set pushed to its KV.
const jwksSync = startJwksSync({ sql: db, edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log });

// Channel configuration updates go out on Kafka; a node that asks for its chain from the root is answered here.
const configKafka = new Kafka({ clientId: 'vora-origin-config', brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, connectionTimeout: 1_500 });
const configPublisher = createConfigUpdatePublisher(configKafka, { log });

// Live events (channel-events, video-events) → chat rooms at the edge; needs the edge's internal secret.
const roomBridge = config.VORA_INTERNAL_SECRET
  ? startRoomBridge({ brokers: config.kafkaBrokers, edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log })
  : undefined;
if (!roomBridge) log.warn({ event: 'room_bridge_disabled' }, 'VORA_INTERNAL_SECRET is not set: live events cannot reach chat rooms');
const channelEvents = createChannelEventPublisher({ brokers: config.kafkaBrokers });
const twitchWebhooks = config.TWITCH_EVENTSUB_SECRET
  ? twitchWebhookRoutes({ secret: config.TWITCH_EVENTSUB_SECRET, messageIds: sqlMessageIdStore(db), publisher: channelEvents, log })
  : undefined;

// Playback analytics: beacons from the edge → Kafka playback-events → a batching sink → ClickHouse. Best-effort.
const clickhouse = openClickHouse(config.CLICKHOUSE_URL);
const playbackEvents = createPlaybackEventProducer(new Kafka({ clientId: 'vora-origin-beacons', brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, connectionTimeout: 1_000 }), { log });

const app = createOriginApp({
  log,
  healthChecks: [
    databaseCheck(() => db.query('select 1')),
    minioCheck(config.S3_ENDPOINT),
    temporalCheck(config.TEMPORAL_ADDRESS),
    kafkaCheck(kafkaAdmin),
    clickhouseCheck(config.CLICKHOUSE_URL),
  ],
  api: {
    verifyToken: (token) => verifyApiToken(db, token),
    uploads,
    videos: {
      sql: db,
      s3,
      buckets: { raw: config.S3_RAW_BUCKET, media: config.S3_MEDIA_BUCKET },
      events,
      log,
      publicUrl: config.publicUrl,
      grantTtlSeconds: config.VORA_UPLOAD_GRANT_TTL_SECONDS,
      stopTranscode,
    },
    keys: { sql: db, sync: jwksSync, edgeUrl: config.EDGE_PUBLIC_URL ?? config.EDGE_URL },
    nodes: { edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET },
    channelConfig: { sql: db, publisher: configPublisher, log },
    analytics: { clickhouse, log },
  },
  webhooks: { twitch: twitchWebhooks },
  internal: { beacons: config.VORA_INTERNAL_SECRET ? internalBeaconRoutes({ internalSecret: config.VORA_INTERNAL_SECRET, producer: playbackEvents }) : undefined },
  media: gatewayRoutes({ sql: db, s3, mediaBucket: config.S3_MEDIA_BUCKET, log }),
});

// Beside the API: if Temporal or Kafka is not up yet, the API serves anyway and these retry.
const originWorker = startInBackground('origin_worker', () => startOriginWorker({ sql: db, s3, events, temporalAddress: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, log }), log, 5_000);
// The first start is awaited (bounded) so a healthy stack has its activities worker polling before the API answers.
await Promise.race([originWorker.started, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
const configResponder = startInBackground('config_responder', () => startConfigRequestResponder(configKafka, { sql: db, publisher: configPublisher, log }), log, 10_000);
// The sink keeps kafkajs's default retries: right after a broker starts its group coordinator is still loading.
const playbackSink = startInBackground('playback_sink', () => startPlaybackEventsSink({ kafka: new Kafka({ clientId: 'vora-origin-sink', brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }), clickhouse, log }), log, 10_000);
// ClickHouse 18.16 has no TTL: old daily partitions are dropped here, hourly.
const retentionTimer = setInterval(() => {
  dropExpiredPartitions(clickhouse, config.ANALYTICS_RETENTION_DAYS).then(
    (dropped) => dropped.length > 0 && log.info({ event: 'analytics_partitions_dropped', partitions: dropped }, 'dropped expired analytics partitions'),
    (error: unknown) => log.warn({ event: 'analytics_retention_failed', err: (error as Error).message }, 'could not drop expired analytics partitions'),
  );
}, 3_600_000);
retentionTimer.unref();
// Forwards config-updates to the edge's KV (and chat rules to channel rooms); the edge applies them itself.
const edgeConfigWriter = startEdgeConfigWriter({ kafka: configKafka, edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log, channelIdOf: channelIdFromStore(db) });

// requestTimeout 0: one PATCH of a large file over a slow link may take hours (Node's default cuts it at 5 min).
const server = serve({ fetch: app.fetch, hostname: config.ORIGIN_HOST, port: config.ORIGIN_PORT, serverOptions: { requestTimeout: 0 } }, (info) => {
  log.info({ event: 'listening', url: `http://${info.address}:${info.port}` }, 'origin listening');
});

async function shutdown(signal: string): Promise<void> {
  log.info({ event: 'shutdown', signal }, 'stopping');
  stopUploadExpiry();
  jwksSync.stop();
  server.close();
  clearInterval(retentionTimer);
  await Promise.allSettled([playbackSink.stop(), playbackEvents.close(), roomBridge?.stop(), channelEvents.close(), originWorker.stop(), configResponder.stop(), edgeConfigWriter.stop(), configPublisher.close(), kafkaAdmin.disconnect(), events.close(), temporalConnection.close()]);
  s3.destroy();
  await clickhouse.close().catch(() => {});
  await db.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
