/**
 * Latency of segment GETs (a 1 MiB object) at 100 concurrent requests for 10 s: through the origin's
 * streaming gateway (its own process, PGlite + MinIO behind it) against a direct anonymous GET from MinIO.
 * The gateway runs twice: with the AWS SDK's default socket pool (50) and with a pool as wide as the load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createVideo, transitionVideo } from '../origin/src/db/videos.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { gatewayRoutes } from '../origin/src/gateway/routes.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { shiftedPorts, stackContext } from '../stack/context.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../stack/table.ts';
import { writeResults } from './results.ts';

const concurrency = 100;
const durationMs = 10_000;
const warmupMs = 2_000;
const videoId = 'vid_bench';
const segmentKey = `${videoId}/360p/seg_00001.m4s`;

interface ServeEnv { endpoint: string; user: string; password: string; pgliteDir: string; maxSockets: number; validateChecksums: boolean }

/** Child mode: the gateway alone in its process, as the origin would run it. */
async function serveGateway(env: ServeEnv): Promise<void> {
  const s3 = new S3Client({
    endpoint: env.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: env.user, secretAccessKey: env.password },
    responseChecksumValidation: env.validateChecksums ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    ...(env.maxSockets > 0 ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: env.maxSockets }) } } : {}),
  });
  const sql = await openDatabase({ pgliteDir: env.pgliteDir });
  const app = new Hono().route('/media', gatewayRoutes({ sql, s3, mediaBucket: 'vora-media', log: pino({ level: 'warn' }) }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`listening ${info.port}\n`));
  process.once('SIGTERM', () => server.close(() => void sql.close().then(() => process.exit(0))));
}

interface LoadResult { requests: number; errors: number; seconds: number; bytes: number; latenciesMs: number[]; cpuMs: Record<string, number> }

/** CPU time (user + system) a process has used so far, in ms: a figure other load on the machine does not skew. */
async function cpuMsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function getOnce(agent: Agent, url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
  });
}

/** `concurrency` loops, each one request after another on a keep-alive pool; latencies after the warm-up. */
async function load(url: string, pids: Record<string, number>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupMs;
  const endAt = measureFrom + durationMs;
  const result: LoadResult = { requests: 0, errors: 0, seconds: durationMs / 1000, bytes: 0, latenciesMs: [], cpuMs: {} };
  const cpuAtStart: Record<string, number> = {};
  setTimeout(async () => {
    for (const [name, pid] of Object.entries(pids)) cpuAtStart[name] = await cpuMsOf(pid);
  }, warmupMs);
  const worker = async () => {
    while (performance.now() < endAt) {
      const sent = performance.now();
      const outcome = await getOnce(agent, url).catch(() => ({ status: 0, bytes: 0 }));
      if (sent < measureFrom) continue;
      result.requests += 1;
      result.bytes += outcome.bytes;
      if (outcome.status !== 200) result.errors += 1;
      else result.latenciesMs.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  for (const [name, pid] of Object.entries(pids)) result.cpuMs[name] = (await cpuMsOf(pid)) - cpuAtStart[name]!;
  agent.destroy();
  return result;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function startGatewayProcess(env: ServeEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    env: { ...process.env, GATEWAY_BENCH: JSON.stringify(env) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gateway did not listen within 30 s')), 30_000);
    child.stdout!.on('data', (data: Buffer) => {
      const match = /listening (\d+)/.exec(String(data));
      if (match) { clearTimeout(timer); resolve(Number(match[1])); }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before listening`)));
  });
  return { child, url: `http://127.0.0.1:${port}/media/${segmentKey}` };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-gateway-'));
  const secrets = { apiToken: 't', internalSecret: 't', nodeKey: 't', minioUser: 'vora-bench', minioPassword: 'vora-bench-password' };
  const ctx = stackContext(shiftedPorts(14100), secrets, dataDir);
  const minio = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const base: ServeEnv = { endpoint: minioEndpoint(ctx), user: secrets.minioUser, password: secrets.minioPassword, pgliteDir: join(dataDir, 'pglite'), maxSockets: 0, validateChecksums: true };
  try {
    await minio.start();
    const s3 = new S3Client({ endpoint: base.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: base.user, secretAccessKey: base.password } });
    await s3.send(new PutObjectCommand({ Bucket: 'vora-media', Key: segmentKey, Body: new Uint8Array(2 ** 20).map((_, i) => i % 251) }));
    // The baseline reads the same object anonymously, as a CDN node pulling a public bucket would.
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::vora-media/${videoId}/*`] }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'vora-media', Policy: JSON.stringify(policy) }));
    s3.destroy();
    const sql = await openDatabase({ pgliteDir: base.pgliteDir });
    await createVideo(sql, { id: videoId, title: 'bench' });
    for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(sql, videoId, [from], to);
    await sql.close();

    const runs: Array<{ name: string; result: LoadResult }> = [];
    const minioPid = minio.pids()[0]!;
    runs.push({ name: 'MinIO direct (baseline)', result: await load(`${base.endpoint}/vora-media/${segmentKey}`, { minio: minioPid }) });
    const gateways: Array<[string, Partial<ServeEnv>]> = [
      ['gateway, SDK defaults', {}],
      ['gateway, no CRC check', { validateChecksums: false }],
      [`gateway, no CRC, pool ${concurrency * 2}`, { validateChecksums: false, maxSockets: concurrency * 2 }],
    ];
    for (const [name, options] of gateways) {
      const gateway = await startGatewayProcess({ ...base, ...options });
      try {
        runs.push({ name, result: await load(gateway.url, { minio: minioPid, gateway: gateway.child.pid! }) });
      } finally {
        await stopProcess(gateway.child);
      }
    }

    const rows = runs.map(({ name, result }) => {
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const perRequest = (who: string) => (result.cpuMs[who] === undefined ? NaN : result.cpuMs[who]! / result.requests);
      return { name, minioCpu: perRequest('minio'), gatewayCpu: perRequest('gateway'), p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, rps: result.requests / result.seconds, mibps: result.bytes / 2 ** 20 / result.seconds, errors: result.errors, requests: result.requests };
    });
    console.log(`\n1 MiB segment GETs, ${concurrency} concurrent, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up (client, gateway and MinIO share this machine)\n`);
    console.log(formatTable(['target', 'requests', 'req/s', 'MiB/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'MinIO CPU ms/req', 'gateway CPU ms/req'], rows.map((r) => [r.name, String(r.requests), r.rps.toFixed(0), r.mibps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), String(r.errors), r.minioCpu.toFixed(2), Number.isNaN(r.gatewayCpu) ? '—' : r.gatewayCpu.toFixed(2)])));
    console.log(`load average during the run: ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores`);
    const [direct, , , tuned] = rows as [typeof rows[0], typeof rows[0], typeof rows[0], typeof rows[0]];
    await writeResults('gateway-latency', [
      { name: 'gateway-segment-p99', value: tuned.p99, unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: direct.p99, better: 'lower', goal: '< 50 ms', notes: `1 MiB, ${concurrency} concurrent, ${concurrency * 2}-socket S3 pool` },
      { name: 'gateway-segment-p50', value: tuned.p50, unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: direct.p50, better: 'lower', goal: 'n/a', notes: `1 MiB, ${concurrency} concurrent` },
      { name: 'gateway-segment-throughput', value: tuned.rps, unit: 'req/s', baseline: 'direct GET from MinIO', baselineValue: direct.rps, better: 'higher', goal: 'n/a', notes: `1 MiB, ${concurrency} concurrent` },
    ]);
  } finally {
    await minio.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serveGateway(JSON.parse(process.env.GATEWAY_BENCH ?? '{}') as ServeEnv);
else await main();
