/** The origin app in-process against an ApiStack: real PGlite, MinIO, Kafka producer and Temporal client. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { startTranscode } from '../../../origin/src/workflow/start-transcode.ts';
import { createOriginApp, uploadsPath } from '../../../origin/src/app.ts';
import { createApiToken, verifyApiToken } from '../../../origin/src/db/api-tokens.ts';
import { openDatabase, type Sql } from '../../../origin/src/db/index.ts';
import { createVideoEventPublisher } from '../../../origin/src/events/video-events.ts';
import { createTusUploads } from '../../../origin/src/uploads/tus-server.ts';
import { videoUploadGate } from '../../../origin/src/uploads/video-upload-gate.ts';
import { minioEndpoint } from '../../../stack/components/minio.ts';
import type { ApiStack } from './api-stack.ts';
import { kafkaClient } from '../../../origin/src/kafka.ts';

export interface InProcessOrigin {
  url: string;
  token: string;
  sql: Sql;
  events: ReturnType<typeof createVideoEventPublisher>;
  expireStaleUploads(startedBefore: Date): Promise<number>;
  close(): Promise<void>;
}

export interface OriginOverrides {
  maxUploadBytes?: number;
  grantTtlSeconds?: number;
  kafkaBrokers?: string[];
}

export async function startOriginInProcess(stack: ApiStack, overrides: OriginOverrides = {}): Promise<InProcessOrigin> {
  const dir = mkdtempSync(join(tmpdir(), 'vora-api-origin-'));
  const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
  const sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  const { token } = await createApiToken(sql, 'api test');
  const events = createVideoEventPublisher(kafkaClient(overrides.kafkaBrokers ?? stack.kafkaBrokers, 'video-events'), { log });
  const s3Config = {
    endpoint: minioEndpoint(stack.ctx),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: stack.ctx.secrets.minioUser, secretAccessKey: stack.ctx.secrets.minioPassword },
  };
  const gate = videoUploadGate({ sql, events, log, startTranscode: (input) => startTranscode(stack.temporal, input) });
  const uploads = createTusUploads({ s3: s3Config, bucket: 'vora-raw', path: uploadsPath, maxSizeBytes: overrides.maxUploadBytes ?? 20 * 1024 ** 3, expirationMs: 3_600_000, gate, log });

  let publicUrl = '';
  const app = createOriginApp({
    log,
    healthChecks: [],
    api: {
      verifyToken: (candidate) => verifyApiToken(sql, candidate),
      uploads,
      videos: {
        sql,
        s3: stack.s3,
        buckets: { raw: 'vora-raw', media: 'vora-media' },
        events,
        log,
        get publicUrl() {
          return publicUrl;
        },
        grantTtlSeconds: overrides.grantTtlSeconds ?? 3600,
      },
    },
  });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, serverOptions: { requestTimeout: 0 } }, () => resolve(started));
  });
  publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: publicUrl,
    token,
    sql,
    events,
    expireStaleUploads: gate.expireStaleUploads,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      (server as import('node:http').Server).closeAllConnections(); // keep-alive sockets of the clients would hold close() open
      await closed;
      await events.close();
      await sql.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
