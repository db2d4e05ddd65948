import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { operatorAuth, type VerifyToken } from './api/auth.ts';
import { errorBody } from './api/errors.ts';
import { videoRoutes, type VideoRoutesDeps } from './api/videos.ts';
import { runChecks, summarizeHealth, type HealthCheck } from './health/summary.ts';
import { chatTokenRoutes, keyRoutes, playbackTokenRoutes, type KeyRoutesDeps } from './keys/routes.ts';
import { analyticsRoutes, type AnalyticsRoutesDeps } from './analytics/routes.ts';
import { analyticsTopRoutes } from './analytics/top-routes.ts';
import { channelConfigRoutes, type ChannelConfigRoutesDeps } from './channel-config/routes.ts';
import { nodeRoutes, type NodeRoutesDeps } from './nodes/routes.ts';
import { processingStatsRoutes } from './stats/processing-routes.ts';
import { uploadRoutes } from './uploads/routes.ts';
import type { TusUploads } from './uploads/tus-server.ts';

export interface OriginDeps {
  log: Logger;
  healthChecks: HealthCheck[];
  /** The operator API `/v1` (videos) and TUS uploads; absent in tests that only need /healthz. */
  api?: {
    verifyToken: VerifyToken;
    videos: VideoRoutesDeps;
    uploads: TusUploads;
    /** Playback signing keys and tokens; absent in tests that do not sign. */
    keys?: KeyRoutesDeps;
    /** The CDN node registry at the edge, for operators. */
    nodes?: NodeRoutesDeps;
    /** Channel configuration as a hash chain (`/v1/channels/:id/config`). */
    channelConfig?: ChannelConfigRoutesDeps;
    /** Playback analytics from ClickHouse (`/v1/videos/:id/analytics`). */
    analytics?: AnalyticsRoutesDeps;
  };
  /** Routes the edge calls with the internal secret (`/internal/beacons`). */
  internal?: { beacons?: Hono };
  /** Third-party webhooks; they prove themselves by signature, not the operator token. */
  webhooks?: { twitch?: Hono };
  /** The streaming gateway, mounted at `/media`. */
  media?: Hono;
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
    return c.json(report, report.status === 'down' ? 503 : 200);
  });

  if (deps.api) {
    // TUS uploads carry their own credential (the one-time grant, then the unguessable upload URL).
    app.use('/v1/*', operatorAuth(deps.api.verifyToken, { except: [uploadsPath, twitchWebhookPath] }));
    // TUS bodies are video bytes, streamed to MinIO and bounded by VORA_MAX_UPLOAD_BYTES instead.
    const apiBodyLimit = bodyLimit({ maxSize: maxApiBodyBytes, onError: (c) => c.json(errorBody(413, `a request body is limited to ${maxApiBodyBytes / 1024} KiB`), 413) });
    app.use('/v1/*', (c, next) => (c.req.path === uploadsPath || c.req.path.startsWith(`${uploadsPath}/`) ? next() : apiBodyLimit(c, next)));
    app.route(uploadsPath, uploadRoutes(deps.api.uploads));
    app.route('/v1/videos', videoRoutes(deps.api.videos));
    app.route('/v1/stats', processingStatsRoutes({ sql: deps.api.videos.sql }));
    if (deps.api.keys) {
      app.route('/v1/keys', keyRoutes(deps.api.keys));
      app.route('/v1/videos', playbackTokenRoutes(deps.api.keys));
      app.route('/v1/chat', chatTokenRoutes(deps.api.keys));
    }
    if (deps.api.nodes) app.route('/v1/nodes', nodeRoutes(deps.api.nodes));
    if (deps.api.channelConfig) app.route('/v1/channels', channelConfigRoutes(deps.api.channelConfig));
    if (deps.api.analytics) {
      app.route('/v1/videos', analyticsRoutes(deps.api.analytics));
      app.route('/v1/analytics', analyticsTopRoutes(deps.api.analytics));
    }
  }
  if (deps.internal?.beacons) app.route('/internal/beacons', deps.internal.beacons);
  if (deps.webhooks?.twitch) app.route(twitchWebhookPath, deps.webhooks.twitch);
  if (deps.media) app.route('/media', deps.media);

  app.notFound((c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path}`), 404));

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json(errorBody(error.status, error.message), error.status);
    }
    deps.log.error({ event: 'unhandled_error', err: error, path: c.req.path }, 'request failed');
    return c.json(errorBody(500, 'internal error; the origin log has the details'), 500);
  });

  return app;
}
