// What the transcode benchmarks share: MinIO + Temporal on shifted ports, a PGlite DB with the origin's activities,
// in-process transcode workers, clips, and the clock and CPU meters they read.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { openDatabase } from '../../origin/src/db/open.ts';
import type { Sql } from '../../origin/src/db/sql.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { startOriginWorker } from '../../origin/src/workflow/origin-worker.ts';
import { minioClient, minioComponent, minioEndpoint } from '../../stack/components/minio.ts';
import { temporalComponent } from '../../stack/components/temporal.ts';
import { shiftedPorts } from '../../contracts/local-ports.ts';
import { stackContext } from '../../stack/component.ts';
import { run } from '../../stack/exec.ts';
import { StackRunner } from '../../stack/runner.ts';
import { loadTranscoderConfig, type TranscoderConfig } from '../../transcoder/src/config.ts';
import { createTranscodeWorker } from '../../transcoder/src/create-worker.ts';

const secrets = { apiToken: 'bench-token-000000000', internalSecret: 't', nodeKey: 't', pullSecret: 'test-pull-secret-0123456789', minioUser: 'bench', minioPassword: 'bench-password', secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' };
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TranscodeBench {
  dataDir: string;
  s3: S3Client;
  sql: Sql;
  client: Client;
  config: TranscoderConfig;
  /** What a transcoder process needs in its environment (for worker processes started apart). */
  transcoderEnv: Record<string, string>;
  /** PIDs of MinIO's and Temporal's process groups (their CPU counts for both sides of a comparison). */
  serverPids: number[];
  /** Starts an in-process transcode worker (both task queues); stopped with the bench. */
  startTranscoder(): Promise<void>;
  stop(): Promise<void>;
}

/** `transcoderExtraEnv`: more of the transcoder's variables (e.g. the captions engine's). */
export async function startTranscodeBench(portOffset: number, transcoderExtraEnv: Record<string, string> = {}): Promise<TranscodeBench> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-transcode-'));
  const ctx = stackContext(shiftedPorts(portOffset), secrets, dataDir);
  const runner = new StackRunner([minioComponent(ctx), temporalComponent(ctx)], ctx.logDir);
  const stops: (() => Promise<unknown>)[] = [() => runner.stop(), () => rm(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.splice(0)) await step().catch(() => undefined);
  };
  // Stopped from outside (Ctrl-C, `timeout`): the servers go too, by PID.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    await runner.start();
    const s3 = minioClient(ctx);
    const address = `127.0.0.1:${ctx.ports.temporal}`;
    const transcoderEnv = {
      TEMPORAL_ADDRESS: address, S3_ENDPOINT: minioEndpoint(ctx), S3_ACCESS_KEY_ID: secrets.minioUser, S3_SECRET_ACCESS_KEY: secrets.minioPassword,
      TRANSCODE_WORK_DIR: join(dataDir, 'work'), LOG_LEVEL: 'warn', ...transcoderExtraEnv,
    };
    const config = loadTranscoderConfig(transcoderEnv);
    const log = pino({ level: 'warn' });
    const sql = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    stops.unshift(() => sql.close());
    const originWorker = await startOriginWorker({ sql, s3, events: { publish: async () => {} }, temporalAddress: address, namespace: 'default', log });
    stops.unshift(() => originWorker.stop());
    const connection = await Connection.connect({ address });
    stops.unshift(() => connection.close());
    const startTranscoder = async () => {
      const transcoder = await createTranscodeWorker(config, log);
      const running = transcoder.worker.run();
      stops.unshift(async () => {
        transcoder.worker.shutdown();
        await running;
        await transcoder.connection.close();
      });
    };
    return { dataDir, s3, sql, client: new Client({ connection }), config, transcoderEnv, serverPids: runner.pids(), startTranscoder, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `standard`: H.264 High + AAC, a key frame every 2 s (what cameras and phones in H.264 mode write). `hevc`: the same picture in HEVC (iPhones' default). */
export async function makeBenchClip(path: string, seconds: number, kind: 'standard' | 'hevc', size = '1920x1080'): Promise<void> {
  const video = kind === 'standard'
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-b:v', '8M']
    : ['-c:v', 'libx265', '-preset', 'ultrafast', '-g', '60', '-b:v', '6M', '-tag:v', 'hvc1', '-x265-params', 'log-level=error'];
  await run('ffmpeg', [
    '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=${size}:rate=30`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    ...video, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', path,
  ], { timeoutMs: 1_800_000 });
}

export async function putRaw(s3: S3Client, key: string, path: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: 'vora-raw', Key: key, Body: await readFile(path) }));
}

/** A video whose upload just finished (PROCESSING): the DB records `upload_finished_at` at this very transition. */
export async function uploadedVideo(sql: Sql, id: string): Promise<void> {
  await createVideo(sql, { id, title: id });
  await transitionVideo(sql, id, ['CREATED'], 'UPLOADING');
  await transitionVideo(sql, id, ['UPLOADING'], 'PROCESSING');
}

/**
 * Milliseconds from upload finished to PLAYABLE or READY, as the DB recorded them (the figures `GET /v1/stats/processing`
 * publishes): the polling interval does not enter the figure.
 */
export async function processingMs(sql: Sql, id: string, until: 'playable_at' | 'ready_at', timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query<{ finished: Date; at: Date | null; state: string }>(`SELECT upload_finished_at AS finished, ${until} AS at, state FROM videos WHERE id = $1`, [id]);
    const row = rows[0];
    if (row?.at) return new Date(row.at).getTime() - new Date(row.finished).getTime();
    if (row?.state === 'FAILED') throw new Error(`video ${id} FAILED`);
    if (Date.now() > deadline) throw new Error(`video ${id} not ${until} after ${timeoutMs / 1000} s (state ${row?.state})`);
    await sleep(25);
  }
}

async function processStat(pid: number | 'self'): Promise<string[] | null> {
  try {
    return (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}

const ticks = (fields: string[], ...indexes: number[]) => indexes.reduce((sum, index) => sum + Number(fields[index]), 0);

/**
 * CPU seconds used so far by this process and its finished children (FFmpeg), by the given processes and theirs
 * (worker processes: their FFmpeg children are finished when read), and by every live process in the given process
 * groups (MinIO, Temporal). USER_HZ is 100 on Linux.
 */
export async function cpuSeconds(groupLeaders: number[], pids: number[] = []): Promise<number> {
  const self = await processStat('self');
  let total = self ? ticks(self, 11, 12, 13, 14) : 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const fields = await processStat(Number(entry));
    // field 2 (0-based after the name) is the process group id
    if (fields && (groupLeaders.includes(Number(fields[2])) || pids.includes(Number(entry)))) total += ticks(fields, 11, 12, 13, 14);
  }
  return total / 100;
}

/** Waits until no FFmpeg runs as a child of this process (a cancelled workflow's encode has been killed). */
export async function ffmpegChildrenGone(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let running = 0;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      if (stat.includes('(ffmpeg)') && Number(stat.split(') ')[1]?.split(' ')[1]) === process.pid) running += 1;
    }
    if (running === 0) return;
    if (Date.now() > deadline) throw new Error(`${running} FFmpeg still running after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** Median and p95 (linear between ranks, as percentile_cont). Pure. */
export function percentiles(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => {
    const rank = fraction * (sorted.length - 1);
    const low = Math.floor(rank);
    return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low);
  };
  return { median: at(0.5), p95: at(0.95) };
}
