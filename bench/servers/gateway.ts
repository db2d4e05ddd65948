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

export interface GatewayServeEnv { operatorToken: string; endpoint: string; user: string; password: string; pgliteDir: string; maxSockets: number; validateChecksums: boolean; /** VORA_PULL_SECRET: a CDN node's signed pulls get in too. */ pullSecret?: string }

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
  const app = new Hono().route('/media', gatewayRoutes({ sql, s3, mediaBucket: 'vora-media', log: pino({ level: 'warn' }), pulls }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`listening ${info.port}\n`));
  process.once('SIGTERM', () => server.close(() => void sql.close().then(() => process.exit(0))));
}

await serveGateway(JSON.parse(process.env.GATEWAY_BENCH ?? '{}') as GatewayServeEnv);
