/** The origin process: config → dependencies → app → background work → HTTP server; stops cleanly on SIGTERM/SIGINT. */
import { serve } from '@hono/node-server';
import pino from 'pino';
import { internalBeaconRoutes } from './analytics/internal-routes.ts';
import { createOriginApp, uploadsPath } from './app.ts';
import { channelPageRoutes } from './channels/page-routes.ts';
import { startBackgroundWork } from './background.ts';
import { loadOriginConfig } from './config.ts';
import { verifyApiToken } from './db/api-tokens.ts';
import { openDependencies } from './dependencies.ts';
import { gatewayRoutes } from './gateway/routes.ts';
import { ingestHookRoutes } from './live/ingest-hooks.ts';
import { internalNodeDrainRoutes } from './nodes/drain-changes.ts';
import { hostOfRtmpUrl } from './live/srt-ingest.ts';
import { liveGatewayRoutes } from './live/live-gateway.ts';
import { publisherGoneCheck } from './live/ingest-streams.ts';
import { LlhlsRenditions } from './live/llhls-renditions.ts';
import { liveNowReader } from './live/live-now.ts';
import { clickhouseCheck, databaseCheck, kafkaCheck, minioCheck, temporalCheck } from './health/checks.ts';
import { s3ClientConfig } from './s3-client.ts';
import { createTusUploads } from './uploads/tus-server.ts';
import { videoUploadGate } from './uploads/video-upload-gate.ts';
import { sqlMessageIdStore } from './webhooks/message-ids.ts';
import { newTwitchWebhookCounters, twitchWebhookRoutes } from './webhooks/twitch-routes.ts';
import { sqlTwitchLinkRegistry } from './twitch-link/link-rows.ts';
import { twitchLinkSetup, unlinkBeforeDelete } from './twitch-link/setup.ts';
import { webhookUrlPolicy } from './outgoing-webhooks/url-safety.ts';

const config = loadOriginConfig();
const log = pino({ level: config.LOG_LEVEL, base: { service: 'origin' } });
const deps = await openDependencies(config, log);
const { db, s3, videoEvents } = deps;

const gate = videoUploadGate({ sql: db, events: videoEvents, log, startTranscode: deps.transcodes.start });
const uploads = createTusUploads({
  s3: s3ClientConfig(config),
  bucket: config.S3_RAW_BUCKET,
  path: uploadsPath,
  maxSizeBytes: config.VORA_MAX_UPLOAD_BYTES,
  expirationMs: config.VORA_UPLOAD_EXPIRATION_SECONDS * 1000,
  gate,
  log,
});
const internalSecret = config.VORA_INTERNAL_SECRET;
const twitchSecret = config.TWITCH_EVENTSUB_SECRET;
const webhookUrls = webhookUrlPolicy(config.VORA_WEBHOOK_ALLOWED_NETWORKS);
const twitchLink = twitchLinkSetup(config, { sql: db, log });
const twitchCounters = newTwitchWebhookCounters();
const signing = { sql: db, sync: deps.jwksSync, edgeUrl: config.EDGE_PUBLIC_URL ?? config.EDGE_URL };

// The private gateway: signed pulls (shield, CDN nodes, edge) or an operator's API token.
// Low-latency inputs' LL-HLS packagers: fed by the ladder's PUTs (/internal/live), read by the live gateway.
const llhls = new LlhlsRenditions({ s3, bucket: config.S3_MEDIA_BUCKET, log: log.child({ component: 'llhls' }) });
const mediaPulls = { secret: config.VORA_PULL_SECRET, verifyOperatorToken: (token: string) => verifyApiToken(db, token) };

const app = createOriginApp({
  log,
  healthChecks: [
    databaseCheck(() => db.query('select 1')),
    minioCheck(config.S3_ENDPOINT),
    temporalCheck(config.TEMPORAL_ADDRESS),
    kafkaCheck(deps.kafkaHealthAdmin),
    clickhouseCheck(config.CLICKHOUSE_URL),
  ],
  api: {
    verifyToken: (token) => verifyApiToken(db, token),
    uploads,
    videos: {
      sql: db,
      s3,
      buckets: { raw: config.S3_RAW_BUCKET, media: config.S3_MEDIA_BUCKET },
      events: videoEvents,
      log,
      publicUrl: config.publicUrl,
      grantTtlSeconds: config.VORA_UPLOAD_GRANT_TTL_SECONDS,
      stopTranscode: deps.transcodes.stop,
      shieldPurges: deps.shieldPurges,
    },
    keys: signing,
    nodes: { edgeUrl: config.EDGE_URL, internalSecret, events: deps.webhookEvents },
    channels: { sql: db, log, beforeDelete: unlinkBeforeDelete(twitchLink, db) },
    twitch: { link: twitchLink, counters: twitchCounters },
    channelConfig: { sql: db, publisher: deps.configUpdates, log, events: deps.webhookEvents },
    analytics: { clickhouse: deps.clickhouse, log },
    analyticsArchive: { clickhouse: deps.clickhouse, s3, bucket: config.S3_ARCHIVE_BUCKET, log },
    webhookEndpoints: { sql: db, urlPolicy: webhookUrls, sealedSecrets: deps.sealedSecrets, log },
    secrets: { sql: db, sealedSecrets: deps.sealedSecrets },
    liveInputs: {
      sql: db,
      log,
      publicUrl: config.publicUrl,
      rtmpUrl: config.VORA_INGEST_RTMP_URL,
      sealed: deps.sealedSecrets,
      restreamTargetsChanged: deps.liveBroadcasts.restreamTargetsChanged,
      srt: config.VORA_SRT_PORTS ? { host: config.VORA_INGEST_SRT_HOST ?? hostOfRtmpUrl(config.VORA_INGEST_RTMP_URL), ports: config.VORA_SRT_PORTS, sealed: deps.sealedSecrets } : undefined,
      readLiveNow: liveNowReader({ statUrls: config.VORA_INGEST_STAT_URLS, clickhouse: deps.clickhouse, log }) },
    webhookDeliveries: { sql: db, dispatcher: deps.webhooks, temporal: deps.temporal, scheduleSeconds: config.VORA_WEBHOOK_RETRY_SCHEDULE, log },
  },
  webhooks: {
    twitch: twitchSecret
      ? twitchWebhookRoutes({ secret: twitchSecret, messageIds: sqlMessageIdStore(db), publisher: deps.channelEvents, links: sqlTwitchLinkRegistry(db), counters: twitchCounters, log })
      : undefined,
  },
  internal: {
    beacons: internalSecret ? internalBeaconRoutes({ internalSecret, producer: deps.playbackEvents }) : undefined,
    channelPages: internalSecret ? channelPageRoutes({ internalSecret, signing: signing }) : undefined,
    nodeDrains: internalSecret ? internalNodeDrainRoutes({ internalSecret, events: deps.webhookEvents, log }) : undefined,
    live: internalSecret
      ? ingestHookRoutes({
          sql: db,
          log,
          ingestSecret: internalSecret,
          defaultPullBase: config.VORA_INGEST_RTMP_URL,
          srtSealed: config.VORA_SRT_PORTS ? deps.sealedSecrets : undefined,
          restreamSealed: deps.sealedSecrets,
          restreamEvents: deps.webhookEvents,
          publisherGone: publisherGoneCheck(config.VORA_INGEST_STAT_URLS, log),
          llhls,
          async onPublish(input, options) {
            await deps.liveBroadcasts.begin(input, options);
            if (options.continued) return;
            // Best effort: a chat room or a receiver missing "went live" must not refuse the publisher.
            await deps.liveAnnouncements.announce(input, input.broadcasts, 'online');
          },
        })
      : undefined,
  },
  media: gatewayRoutes({ sql: db, s3, mediaBucket: config.S3_MEDIA_BUCKET, log, pulls: mediaPulls }),
  liveMedia: liveGatewayRoutes({ sql: db, s3, mediaBucket: config.S3_MEDIA_BUCKET, log, pulls: mediaPulls, llhls }),
});

const background = await startBackgroundWork(config, deps, { tus: uploads, expireStaleUploads: gate.expireStaleUploads }, log);

// requestTimeout 0: one PATCH of a large file over a slow link may take hours (Node's default cuts it at 5 min).
const server = serve({ fetch: app.fetch, hostname: config.ORIGIN_HOST, port: config.ORIGIN_PORT, serverOptions: { requestTimeout: 0 } }, (info) => {
  log.info({ event: 'listening', url: `http://${info.address}:${info.port}` }, 'origin listening');
});

async function shutdown(signal: string): Promise<void> {
  log.info({ event: 'shutdown', signal }, 'stopping');
  server.close();
  await background.stop();
  await deps.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
