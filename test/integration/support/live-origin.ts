/** The origin's live routes in-process on a real PGlite: `/v1/live-inputs` and nginx-rtmp's `/internal/live` hooks. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino, type Logger } from 'pino';
import { handleApiErrors } from '../../../origin/src/api/errors.ts';
import { openDatabase, type Sql } from '../../../origin/src/db/index.ts';
import { ingestHookRoutes, type IngestHookDeps } from '../../../origin/src/live/ingest-hooks.ts';
import { gatewayRoutes } from '../../../origin/src/gateway/routes.ts';
import { liveGatewayRoutes } from '../../../origin/src/live/live-gateway.ts';
import type { ReadLiveNow } from '../../../origin/src/live/live-now.ts';
import type { WebhookEventEmitter } from '../../../origin/src/outgoing-webhooks/event-emitter.ts';
import { liveInputRoutes, type LiveInputRoutesDeps } from '../../../origin/src/live/routes.ts';
import { LlhlsRenditions } from '../../../origin/src/live/llhls-renditions.ts';
import { sealedSecrets } from '../../../origin/src/db/sealed-secrets.ts';
import { hostOfRtmpUrl, type SrtPortRange } from '../../../origin/src/live/srt-ingest.ts';

export interface LiveOrigin {
  url: string;
  sql: Sql;
  /** Every structured log line the routes wrote, parsed. */
  logs: Array<Record<string, any>>;
  close(): Promise<void>;
}

export const liveOriginOperatorToken = 'live-tests-operator-token';

export interface LiveOriginOptions {
  ingestSecret: string;
  rtmpUrl: string;
  hooks?: Pick<IngestHookDeps, 'onPublish' | 'onPublishDone'>;
  /** With storage, the live gateway is mounted at `/media/live`. */
  media?: { s3: S3Client; bucket: string };
  /** Current viewers and bitrate in the inputs' answers (origin/src/live/live-now.ts); given the origin's log. */
  liveNow?: (log: Logger) => ReadLiveNow;
  /** Opt-in SRT ingest: the UDP ports inputs take; passphrases sealed with a key of the test's own. */
  srtPorts?: SrtPortRange;
  /** Tells a running broadcast its restream targets changed (start-broadcast.ts signalRestreamTargetsChanged). */
  restreamTargetsChanged?: LiveInputRoutesDeps['restreamTargetsChanged'];
  /** Where `live_input.restream.*` webhook events go (the origin's emitter in production). */
  restreamEvents?: Pick<WebhookEventEmitter, 'emit'>;
}

export async function startLiveOrigin(options: LiveOriginOptions): Promise<LiveOrigin> {
  const dir = mkdtempSync(join(tmpdir(), 'vora-live-origin-'));
  const logs: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  let url = '';
  const app = new Hono();
  const sealed = sealedSecrets(randomBytes(32).toString('base64'));
  // Low-latency inputs' packagers, as main.ts wires them (writes go to the test's MinIO when it has one).
  const llhls = options.media ? new LlhlsRenditions({ s3: options.media.s3, bucket: options.media.bucket, log }) : undefined;
  const srt = options.srtPorts ? { host: hostOfRtmpUrl(options.rtmpUrl), ports: options.srtPorts, sealed } : undefined;
  app.route('/v1/live-inputs', liveInputRoutes({ sql, log, get publicUrl() { return url; }, rtmpUrl: options.rtmpUrl, readLiveNow: options.liveNow?.(log), srt, sealed, restreamTargetsChanged: options.restreamTargetsChanged }));
  app.route('/internal/live', ingestHookRoutes({ sql, log, ingestSecret: options.ingestSecret, defaultPullBase: options.rtmpUrl, srtSealed: srt ? sealed : undefined, restreamSealed: sealed, restreamEvents: options.restreamEvents, llhls, ...options.hooks }));
  if (options.media) {
    app.route('/media/live', liveGatewayRoutes({ sql, s3: options.media.s3, mediaBucket: options.media.bucket, log, llhls }));
    // The VOD gateway is private: the tests read recordings with the operator token `liveOriginOperatorToken`.
    const pulls = { verifyOperatorToken: async (token: string) => (token === liveOriginOperatorToken ? { id: 'tok_live', name: 'live tests', scopes: ['videos:read'] } : null) };
    app.route('/media', gatewayRoutes({ sql, s3: options.media.s3, mediaBucket: options.media.bucket, log, pulls }));
  }
  app.onError(handleApiErrors(log, { event: 'unhandled_error' }));
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sql,
    logs,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      (server as import('node:http').Server).closeAllConnections();
      await closed;
      await sql.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
