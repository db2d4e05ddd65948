/**
 * gateway-latency's server under test: the origin's streaming gateway alone in its process, as the origin
 * would run it (PGlite + MinIO behind it). Started by bench/gateway-latency.ts with its settings as JSON in
 * GATEWAY_BENCH; prints `listening PORT`, stops on SIGTERM.
 */
import { Agent } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { openDatabase } from '../../origin/src/db/open.ts';
import { gatewayRoutes } from '../../origin/src/gateway/routes.ts';

export interface GatewayServeEnv {
  operatorToken: string; endpoint: string; user: string; password: string; pgliteDir: string; maxSockets: number; validateChecksums: boolean;
  /** VORA_PULL_SECRET: a CDN node's signed pulls get in too. */ pullSecret?: string;
  /** Count every GET under /media by path, read at GET /bench/requests (the shield bench counts origin fetches per object). */ countRequests?: boolean;
}

async function serveGateway(env: GatewayServeEnv): Promise<void> {
  const s3 = new S3Client({
    endpoint: env.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: env.user, secretAccessKey: env.password },
    responseChecksumValidation: env.validateChecksums ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    ...(env.maxSockets > 0 ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: env.maxSockets }) } } : {}),
  });
  const sql = await openDatabase({ pgliteDir: env.pgliteDir });
  // The gateway is private: the load client reads as an operator with env.operatorToken.
  const pulls = { secret: env.pullSecret, verifyOperatorToken: async (token: string) => (token === env.operatorToken ? { id: 'bench', name: 'bench', scopes: ['admin'] } : null) };
  const app = new Hono();
  if (env.countRequests) {
    const counts: Record<string, number> = {};
    app.use('/media/*', async (c, next) => {
      if (c.req.method === 'GET') counts[c.req.path] = (counts[c.req.path] ?? 0) + 1;
      await next();
    });
    app.get('/bench/requests', (c) => c.json(counts));
  }
  app.route('/media', gatewayRoutes({ sql, s3, mediaBucket: 'vora-media', log: pino({ level: 'warn' }), pulls }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`listening ${info.port}\n`));
  process.once('SIGTERM', () => server.close(() => void sql.close().then(() => process.exit(0))));
}

await serveGateway(JSON.parse(process.env.GATEWAY_BENCH ?? '{}') as GatewayServeEnv);
