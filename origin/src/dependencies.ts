import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { transcodeWorkflowId } from '../../contracts/transcode.ts';
import { openClickHouse, type ClickHouseClient } from './analytics/clickhouse.ts';
import { createPlaybackEventProducer, type PlaybackEventProducer } from './analytics/producer.ts';
import { createConfigUpdatePublisher, type ConfigUpdatePublisher } from './channel-config/kafka.ts';
import type { OriginConfig } from './config.ts';
import { ensureBootstrapToken } from './db/bootstrap-token.ts';
import { openDatabase, type Sql } from './db/index.ts';
import { sealedSecrets, type SealedSecrets } from './db/sealed-secrets.ts';
import { resealStoredSecretsAtStart } from './secrets/rotate-at-start.ts';
import { createVideoEventPublisher } from './events/video-events.ts';
import { kafkaClient } from './kafka.ts';
import { startJwksSync, type JwksSync } from './keys/edge-sync.ts';
import { originS3Client } from './s3-client.ts';
import type { VideoUploadGateDeps } from './uploads/video-upload-gate.ts';
import { createChannelEventPublisher, type ChannelEventPublisher } from './webhooks/channel-event-publisher.ts';
import { startTranscode, transcodeWorkflowStatus } from './workflow/start-transcode.ts';
import type { TranscodeWorkflowStatus } from './workflow/stuck-video-rules.ts';
import type { LiveInput } from './live/live-input-rows.ts';
import { beginOrResumeBroadcast, signalRestreamTargetsChanged } from './live/start-broadcast.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from './outgoing-webhooks/dispatcher.ts';
import { createWebhookEventEmitter, type WebhookEventEmitter } from './outgoing-webhooks/event-emitter.ts';
import { sealClearWebhookSecrets } from './outgoing-webhooks/endpoint-store.ts';
import { sealClearRestreamKeys } from './live/restream-target-rows.ts';
import type { LiveInputUrls } from './live/live-input-view.ts';
import { liveAnnouncements, type LiveAnnouncements } from './live/live-announcements.ts';
import { shieldPurgeOutbox, type ShieldPurgeOutbox } from './shield/purge-outbox.ts';
import { shieldBan } from './shield/purge-shields.ts';

/** Everything the origin's routes and background work talk to, opened once at start and closed once at the end. */
export interface OriginDependencies {
  db: Sql;
  s3: S3Client;
  /** Temporal, connected lazily: the origin starts (and answers /healthz) while Temporal is still coming up. */
  transcodes: {
    start: VideoUploadGateDeps['startTranscode'];
    /** Cancels `video-{id}`; a workflow that never started or already ended is fine. */
    stop(videoId: string): Promise<void>;
    /** The status of `video-{id}` (NOT_FOUND when Temporal has none); throws when Temporal does not answer. */
    status(videoId: string): Promise<TranscodeWorkflowStatus>;
  };
  /** Workflow `live-{inputId}-{n}` per broadcast. */
  liveBroadcasts: { begin(input: LiveInput, options: { pullBase: string; continued: boolean }): Promise<void>; restreamTargetsChanged(input: LiveInput): Promise<void> };
  clickhouse: ClickHouseClient;
  /** Only for `/healthz`: can the origin reach a broker at all. */
  kafkaHealthAdmin: Admin;
  videoEvents: ReturnType<typeof createVideoEventPublisher>;
  channelEvents: ChannelEventPublisher;
  playbackEvents: PlaybackEventProducer;
  /** The client of everything on `config-updates` / `config-requests` (publisher, responder, edge writer). */
  channelConfigKafka: Kafka;
  configUpdates: ConfigUpdatePublisher;
  /** Temporal, for whoever starts workflows of their own (webhook deliveries and replays). */
  temporal: Client;
  /** Outgoing webhooks: event → one delivery workflow per endpoint. */
  webhooks: WebhookDispatcher;
  /** The origin's own webhook events (node drains, configuration updates, live inputs): stored, then dispatched. */
  webhookEvents: WebhookEventEmitter & { settled(): Promise<void> };
  /** The URLs a live input is shown with (API answers and webhook events). */
  liveUrls: LiveInputUrls;
  /** A broadcast started or ended: its chat room and the webhook endpoints are told. */
  liveAnnouncements: LiveAnnouncements;
  /** Seals the secrets the DB keeps that the origin must read back (webhook, SRT, restream) with `VORA_SECRETS_KEY`; opens older keys' too. */
  sealedSecrets: SealedSecrets;
  /** Keeps the edge's KV `jwks` equal to the playback keys in the DB. */
  jwksSync: JwksSync;
  /** Purges of deleted videos from the shields (VORA_SHIELD_URLS), kept until each acknowledges; absent without shields. */
  shieldPurges: ShieldPurgeOutbox | undefined;
  close(): Promise<void>;
}

export async function openDependencies(config: OriginConfig, log: Logger): Promise<OriginDependencies> {
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir, pgliteTemplatesDir: config.pgliteTemplatesDir });
  await ensureBootstrapToken(db, config.VORA_API_TOKEN);
  const sealed = sealedSecrets(config.VORA_SECRETS_KEY, config.VORA_SECRETS_KEY_PREVIOUS);
  const resealed = await sealClearWebhookSecrets(db, sealed);
  if (resealed > 0) log.info({ event: 'webhook_secrets_sealed', endpoints: resealed }, 'webhook secrets stored in clear are now sealed with VORA_SECRETS_KEY');
  const restreamSealed = await sealClearRestreamKeys(db, sealed);
  if (restreamSealed > 0) log.info({ event: 'restream_keys_sealed', targets: restreamSealed }, 'restream target keys stored in clear are now sealed with VORA_SECRETS_KEY');
  // After the clear ones are sealed: whatever an older key sealed moves under VORA_SECRETS_KEY (or the start is refused, naming the key).
  await resealStoredSecretsAtStart(db, sealed, log);
  log.info({ event: 'database_ready', backend: config.DATABASE_URL ? 'postgres' : 'pglite' }, 'metadata database ready');

  const s3 = originS3Client(config);
  const temporalConnection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE });
  const clickhouse = openClickHouse(config.CLICKHOUSE_URL);

  const brokers = config.kafkaBrokers;
  const kafkaHealthAdmin = kafkaClient(brokers, 'health').admin();
  const videoEvents = createVideoEventPublisher(kafkaClient(brokers, 'video-events'), { log });
  const channelEvents = createChannelEventPublisher(kafkaClient(brokers, 'channel-events'));
  const playbackEvents = createPlaybackEventProducer(kafkaClient(brokers, 'beacons'), { log });
  const channelConfigKafka = kafkaClient(brokers, 'channel-config');
  const configUpdates = createConfigUpdatePublisher(channelConfigKafka, { log });
  const webhooks = createWebhookDispatcher({ sql: db, temporal, scheduleSeconds: config.VORA_WEBHOOK_RETRY_SCHEDULE, log });
  const webhookEvents = createWebhookEventEmitter({ sql: db, dispatcher: webhooks, log });
  const liveUrls = { publicUrl: config.publicUrl, rtmpUrl: config.VORA_INGEST_RTMP_URL };
  const jwksSync = startJwksSync({ sql: db, edgeUrl: config.EDGE_URL, internalSecret: config.VORA_INTERNAL_SECRET, log });

  return {
    db,
    s3,
    transcodes: {
      start: (input) => startTranscode(temporal, input),
      status: (videoId) => transcodeWorkflowStatus(temporal, videoId),
      async stop(videoId) {
        try {
          await temporal.workflow.getHandle(transcodeWorkflowId(videoId)).cancel();
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      },
    },
    liveBroadcasts: { begin: (input, options) => beginOrResumeBroadcast(temporal, input, options), restreamTargetsChanged: (input) => signalRestreamTargetsChanged(temporal, input) },
    clickhouse,
    kafkaHealthAdmin,
    videoEvents,
    channelEvents,
    playbackEvents,
    channelConfigKafka,
    configUpdates,
    jwksSync,
    shieldPurges:
      config.VORA_PULL_SECRET && config.VORA_SHIELD_URLS.length > 0
        ? shieldPurgeOutbox({ sql: db, shieldUrls: config.VORA_SHIELD_URLS, ban: shieldBan({ pullSecret: config.VORA_PULL_SECRET }), log })
        : undefined,
    temporal,
    webhooks,
    webhookEvents,
    sealedSecrets: sealed,
    liveUrls,
    liveAnnouncements: liveAnnouncements({ log, channelEvents, webhooks: { events: webhookEvents, liveUrls } }),
    async close() {
      jwksSync.stop();
      await webhookEvents.settled();
      await Promise.allSettled([playbackEvents.close(), channelEvents.close(), configUpdates.close(), kafkaHealthAdmin.disconnect(), videoEvents.close(), temporalConnection.close()]);
      s3.destroy();
      await clickhouse.close().catch(() => {});
      await db.close();
    },
  };
}
