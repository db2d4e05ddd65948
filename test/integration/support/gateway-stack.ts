import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import type { StackPorts } from '../../../contracts/local-ports.ts';
import { openDatabase } from '../../../origin/src/db/open.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';
import { gatewayRoutes } from '../../../origin/src/gateway/routes.ts';
import { stackContext } from '../../../stack/component.ts';
import { minioClient, minioComponent, minioEndpoint } from '../../../stack/components/minio.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { fakeSecrets } from '../../support/secrets.ts';
import { signedFetch } from './signed-pull.ts';

/** Real MinIO (its own ports and temp data), a PGlite DB and the gateway mounted at /media on a free port. */
export interface GatewayStack {
  sql: Sql;
  s3: S3Client;
  minio: StackRunner;
  minioUrl: string;
  /** The same app, for calls without a Node server (the web-stream path other runtimes take). */
  app: Hono;
  /** e.g. http://127.0.0.1:41234 — the gateway answers under `${gatewayUrl}/media/…`. */
  gatewayUrl: string;
  /** The gateway is private: `pull` signs with `pullSecret`; `operatorToken` is an API token it accepts. */
  pullSecret: string;
  operatorToken: string;
  pull(url: string, init?: RequestInit): Promise<Response>;
  /** Every request the gateway answered under /media, as `METHOD /path` (the count a shield must keep at one per object). */
  requests: string[];
  /** Stops the gateway's HTTP server (the origin down), leaving MinIO and the DB up. */
  stopGateway(): Promise<void>;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  close(): Promise<void>;
}

const pullSecret = 'gateway-test-pull-secret-0123';
const operatorToken = 'gateway-test-operator-token';

export async function startGatewayStack(ports: StackPorts, options: { storageTimeoutMs?: number } = {}): Promise<GatewayStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-gateway-'));
  const secrets = fakeSecrets();
  const ctx = stackContext(ports, secrets, dataDir);
  const minio = new StackRunner([minioComponent(ctx)], ctx.logDir);
  let sql: Sql | undefined;
  let server: ServerType | undefined;
  const s3 = minioClient(ctx);
  const requests: string[] = [];
  const stopGateway = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    await new Promise<void>((resolve) => {
      closing.close(() => resolve());
      (closing as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  };
  const close = async () => {
    await stopGateway();
    s3.destroy();
    await sql?.close();
    await minio.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await minio.start();
    sql = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    const log = pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' });
    const pulls = { secret: pullSecret, verifyOperatorToken: async (token: string) => (token === operatorToken ? { id: 'tok_test', name: 'test operator', scopes: ['admin'] } : null) };
    const app = new Hono();
    app.use('/media/*', async (c, next) => {
      requests.push(`${c.req.method} ${c.req.path}`);
      await next();
    });
    app.route('/media', gatewayRoutes({ sql, s3, mediaBucket: 'vora-media', log, storageTimeoutMs: options.storageTimeoutMs, pulls }));
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    });
    const { port } = server.address() as AddressInfo;
    const db = sql;
    return {
      sql: db,
      s3,
      minio,
      minioUrl: minioEndpoint(ctx),
      app,
      gatewayUrl: `http://127.0.0.1:${port}`,
      pullSecret,
      operatorToken,
      pull: (url, init) => signedFetch(url, pullSecret, init),
      requests,
      stopGateway,
      put: async (key, body, contentType = 'application/octet-stream') => {
        await s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: key, Body: body, ContentType: contentType }));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
