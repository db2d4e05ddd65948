/**
 * gateway-latency's server under test: the origin's streaming gateway alone in its process, built as
 * origin/src/main.ts builds it (the origin's S3 client, the origin app's `/media` mount, signed pulls and
 * operator tokens) with PGlite + MinIO behind it. Started by bench/gateway-latency.ts (and bench/shield.ts)
 * with its settings as JSON in GATEWAY_BENCH; prints `listening PORT`, stops on SIGTERM. GET /bench/stalls
 * reports (and resets) its event-loop delay and GC pauses.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createOriginApp } from '../../origin/src/app.ts';
import { openDatabase } from '../../origin/src/db/open.ts';
import { gatewayRoutes } from '../../origin/src/gateway/routes.ts';
import { originS3Client } from '../../origin/src/s3-client.ts';
import { watchStalls } from '../lib/event-loop-stalls.ts';

export interface GatewayServeEnv {
  operatorToken: string; endpoint: string; user: string; password: string; pgliteDir: string;
  /** 'origin': the client origin/src/main.ts uses (origin/src/s3-client.ts); 'sdk-defaults': `new S3Client` with nothing tuned, for comparison. */
  s3: 'origin' | 'sdk-defaults';
  /** VORA_PULL_SECRET: a shield's or CDN node's signed pulls get in too. */ pullSecret?: string;
  /** How the gateway reads segments (origin/src/gateway/stored-object.ts): 'signed' as the origin does (the default), or 'sdk' (GetObjectCommand), for comparison. */ reads?: 'signed' | 'sdk';
  /** Count every GET under /media by path, read at GET /bench/requests (the shield bench counts origin fetches per object). */ countRequests?: boolean;
}

function s3Client(env: GatewayServeEnv): S3Client {
  const settings = { S3_ENDPOINT: env.endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: env.user, S3_SECRET_ACCESS_KEY: env.password };
  if (env.s3 === 'origin') return originS3Client(settings);
  return new S3Client({ endpoint: env.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: env.user, secretAccessKey: env.password } });
}

async function serveGateway(env: GatewayServeEnv): Promise<void> {
  const stalls = watchStalls();
  const s3 = s3Client(env);
  const sql = await openDatabase({ pgliteDir: env.pgliteDir });
  const log = pino({ level: 'warn', base: { service: 'origin' } });
  // The load client signs its pulls with env.pullSecret as the shield does, or reads as an operator with env.operatorToken.
  const pulls = { secret: env.pullSecret, verifyOperatorToken: async (token: string) => (token === env.operatorToken ? { id: 'bench', name: 'bench', scopes: ['admin'] } : null) };
  const origin = createOriginApp({ log, healthChecks: [], media: gatewayRoutes({ sql, s3, mediaBucket: 'vora-media', log, pulls, objectReads: env.reads ?? 'signed' }) });
  const app = new Hono();
  app.get('/bench/stalls', (c) => c.json(stalls.read()));
  if (env.countRequests) {
    const counts: Record<string, number> = {};
    app.use('/media/*', async (c, next) => {
      if (c.req.method === 'GET') counts[c.req.path] = (counts[c.req.path] ?? 0) + 1;
      await next();
    });
    app.get('/bench/requests', (c) => c.json(counts));
  }
  app.route('/', origin);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`listening ${info.port}\n`));
  process.once('SIGTERM', () => server.close(() => void sql.close().then(() => process.exit(0))));
}

await serveGateway(JSON.parse(process.env.GATEWAY_BENCH ?? '{}') as GatewayServeEnv);
