import type { Logger } from 'pino';
import { archiveThenDropExpired } from './analytics/retention.ts';
import { startPlaybackEventsSink } from './analytics/sink.ts';
import { startInBackground } from './background-start.ts';
import { startRoomBridge } from './bridge/room-bridge.ts';
import { channelIdFromStore, startEdgeConfigWriter } from './channel-config/edge-writer.ts';
import { startConfigRequestResponder } from './channel-config/kafka.ts';
import type { OriginConfig } from './config.ts';
import type { OriginDependencies } from './dependencies.ts';
import { kafkaClient } from './kafka.ts';
import { startUploadExpiry } from './uploads/expiry.ts';
import type { TusUploads } from './uploads/tus-server.ts';
import { publisherGoneCheck } from './live/ingest-streams.ts';
import { startOriginWorker } from './workflow/origin-worker.ts';
import { startStuckVideoSweeper } from './workflow/stuck-video-sweeper.ts';
import { startTranscodeOutbox } from './workflow/transcode-outbox.ts';
import { startOutgoingWebhooks } from './outgoing-webhooks/start-outgoing-webhooks.ts';
import { startNodeDrainPull } from './nodes/drain-changes.ts';

export interface BackgroundWork {
  stop(): Promise<void>;
}

const RETENTION_INTERVAL_MS = 3_600_000;
/** A healthy stack has its activities worker polling before the API answers; a slow Temporal delays start at most this long. */
const FIRST_WORKER_START_MS = 10_000;

/**
 * Everything the origin runs beside its API, started and stopped here. Each part retries on its own
 * while its server (Temporal, Kafka, ClickHouse) is not up yet: the API serves meanwhile.
 */
export async function startBackgroundWork(config: OriginConfig, deps: OriginDependencies, uploads: { tus: TusUploads; expireStaleUploads(startedBefore: Date): Promise<number> }, log: Logger): Promise<BackgroundWork> {
  const { db, clickhouse } = deps;
  const stopUploadExpiry = startUploadExpiry({ uploads: uploads.tus, expireStaleUploads: uploads.expireStaleUploads, log });

  // Temporal activities that write the DB (the transcoder never does).
  const originWorker = startInBackground('origin_worker', () => startOriginWorker({ sql: db, s3: deps.s3, mediaBucket: config.S3_MEDIA_BUCKET, events: deps.videoEvents, liveAnnouncements: deps.liveAnnouncements, livePublisherGone: publisherGoneCheck(config.VORA_INGEST_STAT_URLS, log), temporalAddress: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, log }), log, 5_000);

  // No video stuck in PROCESSING: pending workflow starts (the outbox) retried until Temporal takes them, and
  // videos whose workflow is gone or ended without them swept (restarted or FAILED with the reason).
  const transcodeOutbox = startTranscodeOutbox({ sql: db, start: deps.transcodes.start, log });
  const stopStuckVideoSweeper = startStuckVideoSweeper({ sql: db, events: deps.videoEvents, log, workflowStatus: deps.transcodes.status });
  // Deleted videos' purges that a shield did not acknowledge at the DELETE (the outbox `shield_purges`), retried until it does.
  const shieldPurgeLoop = deps.shieldPurges?.start();

  // A node that asks for its channel configuration from the root is answered here.
  const configResponder = startInBackground('config_responder', () => startConfigRequestResponder(deps.channelConfigKafka, { sql: db, publisher: deps.configUpdates, log }), log, 10_000);
  // Forwards config-updates to the edge's KV (and chat rules to channel rooms); the edge applies them itself.
  const edgeConfigWriter = startEdgeConfigWriter({ kafka: deps.channelConfigKafka, edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log, channelIdOf: channelIdFromStore(db) });

  // Beacons from Kafka playback-events → ClickHouse in batches; old daily partitions dropped hourly (ClickHouse 18.16 has no TTL).
  const playbackSink = startInBackground('playback_sink', () => startPlaybackEventsSink({ kafka: kafkaClient(config.kafkaBrokers, 'playback-sink'), clickhouse, log }), log, 10_000);
  // Each expired day is archived to S3_ARCHIVE_BUCKET before it is dropped (`vora analytics restore --day` brings it back).
  const retentionTimer = setInterval(() => {
    archiveThenDropExpired({ clickhouse, s3: deps.s3, bucket: config.S3_ARCHIVE_BUCKET, log }, config.ANALYTICS_RETENTION_DAYS).catch((error: unknown) =>
      log.warn({ event: 'analytics_retention_failed', err: (error as Error).message }, 'could not archive and drop expired analytics partitions'),
    );
  }, RETENTION_INTERVAL_MS);
  retentionTimer.unref();

  // Live events (channel-events, video-events) → chat rooms at the edge; needs the edge's internal secret.
  const roomBridge = config.VORA_INTERNAL_SECRET
    ? startRoomBridge({ kafka: kafkaClient(config.kafkaBrokers, 'room-bridge'), edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log })
    : undefined;
  if (!roomBridge) log.warn({ event: 'room_bridge_disabled' }, 'VORA_INTERNAL_SECRET is not set: live events cannot reach chat rooms');

  // Outgoing webhooks: video-events (and the origin's own events) → one delivery workflow per (event, endpoint) on `vora-webhooks`.
  const outgoingWebhooks = startOutgoingWebhooks(config, { sql: db, dispatcher: deps.webhooks, sealedSecrets: deps.sealedSecrets, liveUrls: deps.liveUrls, log });

  // Drains made at the edge while this origin could not hear of them: their webhook events, pulled from the edge's outbox.
  const nodeDrainPull = config.VORA_INTERNAL_SECRET ? startNodeDrainPull({ edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, events: deps.webhookEvents, log }) : undefined;

  await Promise.race([originWorker.started, new Promise((resolve) => setTimeout(resolve, FIRST_WORKER_START_MS).unref())]);

  return {
    async stop() {
      stopUploadExpiry();
      stopStuckVideoSweeper();
      clearInterval(retentionTimer);
      await Promise.allSettled([transcodeOutbox.stop(), shieldPurgeLoop?.stop(), playbackSink.stop(), roomBridge?.stop(), originWorker.stop(), configResponder.stop(), edgeConfigWriter.stop(), outgoingWebhooks.stop(), nodeDrainPull?.stop()]);
    },
  };
}
