/**
 * gateway-segment-p99: latency of segment GETs (a 1 MiB object) at 100 concurrent requests through the origin's
 * streaming gateway (its own process, bench/servers/gateway.ts; PGlite + MinIO behind it) against a direct anonymous GET from MinIO.
 * Figures of record: the tuned gateway (no CRC check, socket pool as wide as the load) and the baseline, in
 * alternating rounds (median of 3); the gateway with SDK defaults and without the CRC check run once, for the table.
 *   node --import tsx bench/gateway-latency.ts   (--quick: 20 concurrent, 2 s, 1 round)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { createVideo, transitionVideo } from '../origin/src/db/videos.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { stackContext } from '../stack/component.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { StackRunner } from '../stack/runner.ts';
import { formatTable } from '../cli/lib/table.ts';
import { httpLoad, type LoadResult } from './lib/http-load.ts';
import { modeNote, quick } from './lib/options.ts';
import { cpuMsOf, startListening, stopProcess } from './lib/process.ts';
import type { GatewayServeEnv } from './servers/gateway.ts';
import { median, percentile, writeResults } from './lib/results.ts';

const concurrency = quick ? 20 : 100;
const durationMs = quick ? 2_000 : 10_000;
const warmupMs = quick ? 500 : 2_000;
const rounds = quick ? 1 : 3;
const videoId = 'vid_bench';
const segmentKey = `${videoId}/360p/seg_00001.m4s`;

/** The load, plus the CPU time each named process spent during the measured part. */
async function load(url: string, pids: Record<string, number>, headers: Record<string, string> = {}): Promise<LoadResult & { cpuMs: Record<string, number> }> {
  const atStart: Record<string, number> = {};
  const result = await httpLoad(url, { headers, concurrency, durationMs, warmupMs, onMeasureStart: async () => { for (const [name, pid] of Object.entries(pids)) atStart[name] = await cpuMsOf(pid); } });
  const cpuMs: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cpuMs[name] = (await cpuMsOf(pid)) - atStart[name]!;
  return { ...result, cpuMs };
}

async function startGatewayProcess(env: GatewayServeEnv): Promise<{ child: ChildProcess; url: string }> {
  const { child, port } = await startListening(fileURLToPath(new URL('./servers/gateway.ts', import.meta.url)), [], { GATEWAY_BENCH: JSON.stringify(env) }, 30_000);
  return { child, url: `http://127.0.0.1:${port}/media/${segmentKey}` };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-gateway-'));
  const secrets = { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: 'test-pull-secret-0123456789', minioUser: 'vora-bench', minioPassword: 'vora-bench-password' };
  const ctx = stackContext(shiftedPorts(14100), secrets, dataDir);
  const minio = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const base: GatewayServeEnv = { operatorToken: 'gateway-bench-operator-token', endpoint: minioEndpoint(ctx), user: secrets.minioUser, password: secrets.minioPassword, pgliteDir: join(dataDir, 'pglite'), maxSockets: 0, validateChecksums: true };
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

    type Run = { name: string; result: LoadResult & { cpuMs: Record<string, number> } };
    const minioPid = minio.pids()[0]!;
    const baselineUrl = `${base.endpoint}/vora-media/${segmentKey}`;
    const once: Run[] = [];
    // The gateway is private (origin/src/gateway/pull-auth.ts); MinIO's anonymous read policy wants no header.
    const operatorHeaders = { authorization: `Bearer ${base.operatorToken}` };
    for (const [name, options] of [['gateway, SDK defaults', {}], ['gateway, no CRC check', { validateChecksums: false }]] as Array<[string, Partial<GatewayServeEnv>]>) {
      if (quick) break;
      const gateway = await startGatewayProcess({ ...base, ...options });
      try {
        once.push({ name, result: await load(gateway.url, { minio: minioPid, gateway: gateway.child.pid! }, operatorHeaders) });
      } finally {
        await stopProcess(gateway.child);
      }
    }
    // Figures of record: baseline and tuned gateway in alternating rounds, so drift on a shared machine hits both.
    const tunedName = `gateway, no CRC, pool ${concurrency * 2}`;
    const tuned = await startGatewayProcess({ ...base, validateChecksums: false, maxSockets: concurrency * 2 });
    const alternating: { direct: Run[]; tuned: Run[] } = { direct: [], tuned: [] };
    try {
      for (let round = 0; round < rounds; round += 1) {
        alternating.direct.push({ name: 'MinIO direct (baseline)', result: await load(baselineUrl, { minio: minioPid }) });
        alternating.tuned.push({ name: tunedName, result: await load(tuned.url, { minio: minioPid, gateway: tuned.child.pid! }, operatorHeaders) });
      }
    } finally {
      await stopProcess(tuned.child);
    }

    const row = ({ name, result }: Run) => {
      const perRequest = (who: string) => (result.cpuMs[who] === undefined ? NaN : result.cpuMs[who]! / result.requests);
      const sorted = result.latenciesMs;
      return { name, minioCpu: perRequest('minio'), gatewayCpu: perRequest('gateway'), p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, rps: result.requests / result.seconds, mibps: result.bytes / 2 ** 20 / result.seconds, errors: result.errors, requests: result.requests };
    };
    const rows = [...alternating.direct, ...once, ...alternating.tuned].map(row);
    console.log(`\n1 MiB segment GETs, ${concurrency} concurrent, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up (client, gateway and MinIO share this machine)\n`);
    console.log(formatTable(['target', 'requests', 'req/s', 'MiB/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'MinIO CPU ms/req', 'gateway CPU ms/req'], rows.map((r) => [r.name, String(r.requests), r.rps.toFixed(0), r.mibps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), String(r.errors), r.minioCpu.toFixed(2), Number.isNaN(r.gatewayCpu) ? '—' : r.gatewayCpu.toFixed(2)])));
    console.log(`load average during the run: ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores`);
    const medianOf = (runs: Run[], pick: (r: ReturnType<typeof row>) => number) => median(runs.map(row).map(pick));
    const notes = (extra: string) => [`1 MiB object, ${concurrency} concurrent keep-alive loops, ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, median of ${rounds} alternating rounds`, extra, modeNote].filter(Boolean).join('; ');
    const errors = alternating.tuned.reduce((sum, r) => sum + r.result.errors, 0);
    await writeResults('gateway-latency', [
      { name: 'gateway-segment-p99', value: medianOf(alternating.tuned, (r) => r.p99), unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.p99), better: 'lower', goal: { valueAtMost: 50 }, notes: notes(`${concurrency * 2}-socket S3 pool, no CRC check; errors ${errors}`) },
      { name: 'gateway-segment-p50', value: medianOf(alternating.tuned, (r) => r.p50), unit: 'ms', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.p50), better: 'lower', goal: {}, notes: notes('') },
      { name: 'gateway-segment-throughput', value: medianOf(alternating.tuned, (r) => r.rps), unit: 'req/s', baseline: 'direct GET from MinIO', baselineValue: medianOf(alternating.direct, (r) => r.rps), better: 'higher', goal: {}, notes: notes('') },
    ]);
  } finally {
    await minio.stop(5_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
