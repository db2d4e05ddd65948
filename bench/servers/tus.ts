/**
 * tus-upload's server under test: the origin's TUS route alone in its process, with a gate that lets
 * everything through (no DB, no Temporal). Started by bench/tus-upload.ts with the MinIO endpoint and
 * credentials as JSON in TUS_BENCH; prints `listening PORT`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createTusUploads } from '../../origin/src/uploads/tus-server.ts';
import { uploadRoutes } from '../../origin/src/uploads/routes.ts';
import type { UploadGate } from '../../origin/src/uploads/upload-gate.ts';

export interface TusServeEnv { endpoint: string; accessKeyId: string; secretAccessKey: string }

const MiB = 1024 * 1024;

function serveTus(env: TusServeEnv): void {
  const gate: UploadGate = {
    check: async () => ({ ok: true, value: { owner: 'vid_bench' } }),
    claim: async () => ({ ok: true, value: undefined }),
    finished: async () => {},
    terminated: async () => {},
  };
  const credentials = { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey };
  const uploads = createTusUploads({ s3: { endpoint: env.endpoint, region: 'us-east-1', forcePathStyle: true, credentials }, bucket: 'vora-raw', path: '/v1/uploads', maxSizeBytes: 20 * 1024 * MiB, expirationMs: 0, gate, log: pino({ level: 'warn' }) });
  const app = new Hono().route('/v1/uploads', uploadRoutes(uploads));
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, serverOptions: { requestTimeout: 0 } }, (info) => process.stdout.write(`listening ${info.port}\n`));
}

serveTus(JSON.parse(process.env.TUS_BENCH ?? '{}') as TusServeEnv);
