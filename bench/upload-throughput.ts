/**
 * Upload throughput of a 200 MiB file into MinIO: through the origin's TUS route (@tus/server +
 * @tus/s3-store in its own process, tus-js-client streaming the file) against a direct S3 multipart
 * upload of the same file to the same MinIO (8 MiB parts, 4 in flight). Also the TUS process's peak RSS,
 * which shows whether memory stays flat (the file is never held whole).
 *   node --import tsx bench/upload-throughput.ts [sizeMiB=200] [rounds=3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import * as tus from 'tus-js-client';
import { createTusUploads } from '../origin/src/uploads/tus-server.ts';
import { uploadRoutes } from '../origin/src/uploads/routes.ts';
import type { UploadGate } from '../origin/src/uploads/upload-gate.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { shiftedPorts, stackContext } from '../stack/context.ts';
import { StackRunner } from '../stack/runner.ts';
import { writeResults } from './results.ts';

const MiB = 1024 * 1024;
const partSize = 8 * MiB;
const credentials = { accessKeyId: 'vora-bench', secretAccessKey: 'vora-bench-password' };

/** Child mode: the TUS route alone in its process, with a gate that lets everything through (no DB, no Temporal). */
async function serveTus(endpoint: string): Promise<void> {
  const gate: UploadGate = {
    check: async () => ({ ok: true, value: { owner: 'vid_bench' } }),
    claim: async () => ({ ok: true, value: undefined }),
    finished: async () => {},
    terminated: async () => {},
  };
  const uploads = createTusUploads({ s3: { endpoint, region: 'us-east-1', forcePathStyle: true, credentials }, bucket: 'vora-raw', path: '/v1/uploads', maxSizeBytes: 20 * 1024 * MiB, expirationMs: 0, gate, log: pino({ level: 'warn' }) });
  const app = new Hono().route('/v1/uploads', uploadRoutes(uploads));
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, serverOptions: { requestTimeout: 0 } }, (info) => process.stdout.write(`listening ${info.port}\n`));
}

async function startTusProcess(endpoint: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', endpoint], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (data) => {
      const match = /listening (\d+)/.exec(String(data));
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`TUS process exited (${code}) before listening`)));
  });
  return { child, port };
}

/** Peak and current resident memory of a process, MiB (VmHWM / VmRSS). */
async function memoryMiB(pid: number): Promise<{ peak: number; now: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { peak: Math.round(field('VmHWM')), now: Math.round(field('VmRSS')) };
}

function uploadWithTus(path: string, size: number, endpoint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(path), {
      endpoint,
      uploadSize: size,
      chunkSize: 64 * MiB, // a stream source needs a chunk size; 64 MiB PATCHes, as a browser app would send
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

async function uploadDirect(s3: S3Client, path: string, size: number, key: string): Promise<void> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'vora-raw', Key: key }));
  const partCount = Math.ceil(size / partSize);
  const etags: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let part = next++; part < partCount; part = next++) {
      const start = part * partSize;
      const length = Math.min(partSize, size - start);
      const body = createReadStream(path, { start, end: start + length - 1 });
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket: 'vora-raw', Key: key, UploadId, PartNumber: part + 1, Body: body, ContentLength: length }));
      etags[part] = ETag!;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'vora-raw', Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const sizeMiB = Number(process.argv[2] ?? 200);
  const rounds = Number(process.argv[3] ?? 3);
  const dir = await mkdtemp(join(tmpdir(), 'vora-bench-upload-'));
  // MinIO on 21200/21201: clear of the defaults, the harness's +10000 stack and the API tests' +12000.
  const ctx = stackContext(shiftedPorts(12200), { apiToken: 'x', internalSecret: 'x', nodeKey: 'x', minioUser: credentials.accessKeyId, minioPassword: credentials.secretAccessKey }, dir);
  const runner = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const s3 = new S3Client({ endpoint: minioEndpoint(ctx), region: 'us-east-1', forcePathStyle: true, credentials });
  let tusProcess: ChildProcess | undefined;
  try {
    await runner.start();
    const file = join(dir, 'source.bin');
    const out = createWriteStream(file);
    for (let written = 0; written < sizeMiB; written += 1) if (!out.write(randomBytes(MiB))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const size = (await stat(file)).size;
    const { child, port } = await startTusProcess(minioEndpoint(ctx));
    tusProcess = child;
    const idleMiB = (await memoryMiB(child.pid!)).now;

    const tusSeconds: number[] = [];
    const directSeconds: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      let startedAt = Date.now();
      const url = await uploadWithTus(file, size, `http://127.0.0.1:${port}/v1/uploads?grant=bench`);
      tusSeconds.push((Date.now() - startedAt) / 1000);
      const tusKey = decodeURIComponent(new URL(url).pathname.split('/').pop()!);
      startedAt = Date.now();
      await uploadDirect(s3, file, size, `direct-${round}`);
      directSeconds.push((Date.now() - startedAt) / 1000);
      for (const key of [tusKey, `${tusKey}.info`, `direct-${round}`]) await s3.send(new DeleteObjectCommand({ Bucket: 'vora-raw', Key: key }));
      console.log(`round ${round + 1}: TUS ${(sizeMiB / tusSeconds[round]!).toFixed(1)} MiB/s, direct multipart ${(sizeMiB / directSeconds[round]!).toFixed(1)} MiB/s`);
    }
    const memory = await memoryMiB(child.pid!);
    const tusRate = sizeMiB / median(tusSeconds);
    const directRate = sizeMiB / median(directSeconds);
    console.log(`\n${sizeMiB} MiB, median of ${rounds}: TUS ${tusRate.toFixed(1)} MiB/s vs direct S3 multipart ${directRate.toFixed(1)} MiB/s (ratio ${(tusRate / directRate).toFixed(2)})`);
    console.log(`TUS process RSS: idle ${idleMiB} MiB, peak ${memory.peak} MiB over ${rounds} uploads of ${sizeMiB} MiB`);
    await writeResults('upload-throughput', [
      { name: `TUS upload throughput (${sizeMiB} MiB)`, value: Number(tusRate.toFixed(1)), unit: 'MiB/s', baseline: 'direct S3 multipart upload to the same MinIO (8 MiB parts, 4 in flight)', baselineValue: Number(directRate.toFixed(1)), better: 'higher', goal: 'close to the direct upload', notes: `median of ${rounds}; tus-js-client 64 MiB PATCHes; @tus/s3-store 8 MiB parts spilled to temp files` },
      { name: 'TUS process peak RSS', value: memory.peak, unit: 'MiB', baseline: 'the same process idle', baselineValue: idleMiB, better: 'lower', goal: `flat: far below the ${sizeMiB} MiB file`, notes: 'VmHWM of the process running the TUS route' },
    ]);
  } finally {
    tusProcess?.kill('SIGTERM');
    s3.destroy();
    await runner.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') void serveTus(process.argv[3]!);
else await main();
