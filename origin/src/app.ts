import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { apiTokenRoutes } from './api/api-tokens.ts';
import { operatorAuth, type VerifyToken } from './api/auth.ts';
import { chatTokenRoutes } from './api/chat-tokens.ts';
import { ApiError, handleApiErrors } from './api/errors.ts';
import { videoTokenRoutes } from './api/video-tokens.ts';
import { captionRoutes } from './captions/routes.ts';
import { videoRoutes, type VideoRoutesDeps } from './api/videos.ts';
import { healthHttpStatus, summarizeHealth } from '../../contracts/health.ts';
import { runChecks, type HealthCheck } from './health/run-checks.ts';
import type { SigningDeps } from './keys/minting-key.ts';
import { keyRoutes } from './keys/routes.ts';
import { liveInputTokenRoutes } from './live/live-input-tokens.ts';
import { liveInputRoutes, type LiveInputRoutesDeps } from './live/routes.ts';
import { analyticsRoutes, type AnalyticsRoutesDeps } from './analytics/routes.ts';
import { analyticsTopRoutes } from './analytics/top-routes.ts';
import { analyticsArchiveRoutes, type AnalyticsArchiveDeps } from './analytics/archive-routes.ts';
import { channelConfigRoutes, type ChannelConfigRoutesDeps } from './channel-config/routes.ts';
import { channelRoutes, type ChannelRoutesDeps } from './channels/routes.ts';
import { twitchLinkRoutes, twitchStatsRoutes } from './twitch-link/routes.ts';
import type { TwitchLinkDeps } from './twitch-link/link-twitch.ts';
import type { TwitchWebhookCounters } from './webhooks/twitch-routes.ts';
import { nodeRoutes, type NodeRoutesDeps } from './nodes/routes.ts';
import { processingStatsRoutes } from './stats/processing-routes.ts';
import { uploadRoutes } from './uploads/routes.ts';
import { webhookEndpointRoutes, type WebhookEndpointRoutesDeps } from './outgoing-webhooks/endpoint-routes.ts';
import { webhookDeliveryRoutes, type WebhookDeliveryRoutesDeps } from './outgoing-webhooks/delivery-routes.ts';
import type { TusUploads } from './uploads/tus-server.ts';
import { secretsRoutes, type SecretsRoutesDeps } from './secrets/routes.ts';

export interface OriginDeps {
  log: Logger;
  healthChecks: HealthCheck[];
  /** The operator API `/v1` (videos) and TUS uploads; absent in tests that only need /healthz. */
  api?: {
    /** Verifies a bearer token and names its scopes; every /v1 route needs one (api/scopes.ts). */
    verifyToken: VerifyToken;
    videos: VideoRoutesDeps;
    uploads: TusUploads;
    /** Playback signing keys and tokens; absent in tests that do not sign. */
    keys?: SigningDeps;
    /** The CDN node registry at the edge, for operators. */
    nodes?: NodeRoutesDeps;
    /** Channels themselves (`/v1/channels`, `/v1/channels/:id`). */
    channels?: ChannelRoutesDeps;
    /** Twitch links (`/v1/channels/:id/twitch`) and the webhook's counters (`/v1/twitch/stats`). */
    twitch?: { link: TwitchLinkDeps | { missing: string[] }; counters: TwitchWebhookCounters };
    /** Channel configuration as a hash chain (`/v1/channels/:id/config`). */
    channelConfig?: ChannelConfigRoutesDeps;
    /** Playback analytics from ClickHouse (`/v1/videos/:id/analytics`). */
    analytics?: AnalyticsRoutesDeps;
    /** Archived analytics days (`/v1/analytics/archive/restore`). */
    analyticsArchive?: AnalyticsArchiveDeps;
    /** Outgoing webhooks (`/v1/webhook-endpoints`). */
    webhookEndpoints?: WebhookEndpointRoutesDeps;
    /** Live inputs (`/v1/live-inputs`). */
    liveInputs?: LiveInputRoutesDeps;
    /** Key rotation of the stored secrets (`/v1/secrets`, admin). */
    secrets?: SecretsRoutesDeps;
    /** Their delivery log, retries, replays and test events. */
    webhookDeliveries?: WebhookDeliveryRoutesDeps;
  };
  /** Routes the edge calls with the internal secret (`/internal/beacons`). */
  internal?: {
    beacons?: Hono;
    /** The edge's channel page data (`/internal/channels/:id/page`). */
    channelPages?: Hono;
    /** nginx-rtmp's publish hooks (`/internal/live`); they carry the secret as `?s=`. */
    live?: Hono;
    /** The edge's drain changes (`/internal/node-drains`): the `node.drained` / `node.undrained` webhooks. */
    nodeDrains?: Hono;
  };
  /** Third-party webhooks; they prove themselves by signature, not the operator token. */
  webhooks?: { twitch?: Hono };
  /** The streaming gateway, mounted at `/media`. */
  media?: Hono;
  /** Its live half, mounted at `/media/live` (before `/media`). */
  liveMedia?: Hono;
}

export const uploadsPath = '/v1/uploads';
export const twitchWebhookPath = '/v1/webhooks/twitch';
/** Operator requests are small JSON; a bigger body is refused before it is read into memory. */
export const maxApiBodyBytes = 1024 * 1024;

/** The origin's HTTP surface. Routes are mounted per resource; errors become one JSON shape. */
export function createOriginApp(deps: OriginDeps): Hono {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    const report = summarizeHealth('origin', await runChecks(deps.healthChecks));
    return c.json(report, healthHttpStatus(report));
  });

  if (deps.api) mountOperatorApi(app, deps.api);
  if (deps.internal?.beacons) app.route('/internal/beacons', deps.internal.beacons);
  if (deps.internal?.channelPages) app.route('/internal/channels', deps.internal.channelPages);
  if (deps.internal?.live) app.route('/internal/live', deps.internal.live);
  if (deps.internal?.nodeDrains) app.route('/internal/node-drains', deps.internal.nodeDrains);
  if (deps.webhooks?.twitch) app.route(twitchWebhookPath, deps.webhooks.twitch);
  if (deps.liveMedia) app.route('/media/live', deps.liveMedia);
  if (deps.media) app.route('/media', deps.media);

  app.notFound((c) => new ApiError(404, `no route for ${c.req.method} ${c.req.path}`).getResponse());
  app.onError(handleApiErrors(deps.log, { event: 'unhandled_error' }));

  return app;
}

/** `/v1`, behind the operator token except where a request carries its own credential. */
function mountOperatorApi(app: Hono, api: NonNullable<OriginDeps['api']>): void {
  // TUS uploads carry their own credential (the one-time grant, then the unguessable upload URL).
  app.use('/v1/*', operatorAuth(api.verifyToken, { except: [uploadsPath, twitchWebhookPath] }));
  // TUS bodies are video bytes, streamed to MinIO and bounded by VORA_MAX_UPLOAD_BYTES instead.
  const apiBodyLimit = bodyLimit({
    maxSize: maxApiBodyBytes,
    onError: () => {
      throw new ApiError(413, `a request body is limited to ${maxApiBodyBytes / 1024} KiB`);
    },
  });
  app.use('/v1/*', (c, next) => (c.req.path === uploadsPath || c.req.path.startsWith(`${uploadsPath}/`) ? next() : apiBodyLimit(c, next)));
  app.route(uploadsPath, uploadRoutes(api.uploads));

  // One resource, one file per concern: the video itself, its caption tracks, its playback tokens, its analytics.
  app.route('/v1/videos', videoRoutes(api.videos));
  app.route('/v1/videos', captionRoutes({ sql: api.videos.sql, s3: api.videos.s3, mediaBucket: api.videos.buckets.media, log: api.videos.log }));
  if (api.keys) app.route('/v1/videos', videoTokenRoutes(api.keys));
  if (api.analytics) app.route('/v1/videos', analyticsRoutes(api.analytics));

  if (api.keys) app.route('/v1/keys', keyRoutes(api.keys));
  if (api.keys) app.route('/v1/chat', chatTokenRoutes(api.keys));
  if (api.nodes) app.route('/v1/nodes', nodeRoutes(api.nodes));
  if (api.channels) app.route('/v1/channels', channelRoutes(api.channels));
  if (api.twitch) app.route('/v1/channels', twitchLinkRoutes(api.twitch.link));
  if (api.twitch) app.route('/v1/twitch', twitchStatsRoutes(api.twitch.counters));
  if (api.channelConfig) app.route('/v1/channels', channelConfigRoutes(api.channelConfig));
  if (api.analyticsArchive) app.route('/v1/analytics/archive', analyticsArchiveRoutes(api.analyticsArchive));
  if (api.analytics) app.route('/v1/analytics', analyticsTopRoutes(api.analytics));
  if (api.liveInputs) app.route('/v1/live-inputs', liveInputRoutes(api.liveInputs));
  if (api.liveInputs && api.keys) app.route('/v1/live-inputs', liveInputTokenRoutes(api.keys));
  app.route('/v1/stats', processingStatsRoutes({ sql: api.videos.sql }));
  if (api.webhookEndpoints) app.route('/v1/webhook-endpoints', webhookEndpointRoutes(api.webhookEndpoints));
  if (api.webhookDeliveries) {
    const deliveryRoutes = webhookDeliveryRoutes(api.webhookDeliveries);
    app.route('/v1/webhook-endpoints', deliveryRoutes.endpoints);
    app.route('/v1/webhook-deliveries', deliveryRoutes.deliveries);
  }
  if (api.secrets) app.route('/v1/secrets', secretsRoutes(api.secrets));
  app.route('/v1/api-tokens', apiTokenRoutes({ sql: api.videos.sql, log: api.videos.log }));
}
