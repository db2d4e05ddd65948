/**
 * tus-upload: throughput of a 1 GiB file into MinIO through the origin's TUS route (@tus/server +
 * @tus/s3-store in its own process, bench/servers/tus.ts; tus-js-client streaming the file) against a direct S3 multipart
 * upload of the same file to the same MinIO (8 MiB parts, 4 in flight). Also the TUS process's peak RSS,
 * which shows whether memory stays flat (the file is never held whole). A small warm-up upload each way first.
 *   node --import tsx bench/tus-upload.ts [sizeMiB=1024] [rounds=3]   (or BENCH_TUS_MIB / BENCH_TUS_ROUNDS; --quick: 16 MiB, 1 round)
 */
import type { ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import * as tus from 'tus-js-client';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { stackContext } from '../stack/component.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { StackRunner } from '../stack/runner.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { memoryMiB, startListening, stopProcess } from './lib/process.ts';
import { writeRandomFile } from './lib/random-file.ts';
import { median, writeResults } from './lib/results.ts';
import type { TusServeEnv } from './servers/tus.ts';

const MiB = 1024 * 1024;
const partSize = 8 * MiB;
const credentials = { accessKeyId: 'vora-bench', secretAccessKey: 'vora-bench-password' };

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

async function main(): Promise<void> {
  const sizeMiB = numberSetting({ env: 'BENCH_TUS_MIB', position: 0 }, { full: 1024, quick: 16 });
  const rounds = numberSetting({ env: 'BENCH_TUS_ROUNDS', position: 1 }, { full: 3, quick: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'vora-bench-upload-'));
  // MinIO on 21200/21201: clear of the defaults, the harness's +10000 stack and the API tests' +12000.
  const ctx = stackContext(shiftedPorts(12200), { apiToken: 'x', internalSecret: 'x', nodeKey: 'x', minioUser: credentials.accessKeyId, minioPassword: credentials.secretAccessKey }, dir);
  const runner = new StackRunner([minioComponent(ctx)], ctx.logDir);
  const s3 = new S3Client({ endpoint: minioEndpoint(ctx), region: 'us-east-1', forcePathStyle: true, credentials });
  let tusProcess: ChildProcess | undefined;
  try {
    await runner.start();
    const file = join(dir, 'source.bin');
    const warmupFile = join(dir, 'warmup.bin');
    await Promise.all([writeRandomFile(file, sizeMiB), writeRandomFile(warmupFile, 16)]);
    const size = (await stat(file)).size;
    const tusEnv: TusServeEnv = { endpoint: minioEndpoint(ctx), ...credentials };
    const { child, port } = await startListening(fileURLToPath(new URL('./servers/tus.ts', import.meta.url)), [], { TUS_BENCH: JSON.stringify(tusEnv) });
    tusProcess = child;
    const idleMiB = Math.round((await memoryMiB(child.pid!)).now);
    // Warm-up: one small upload each way, so the first timed round pays no lazy loading or connection set-up.
    const warmUrl = await uploadWithTus(warmupFile, 16 * MiB, `http://127.0.0.1:${port}/v1/uploads?grant=bench`);
    await uploadDirect(s3, warmupFile, 16 * MiB, 'direct-warmup');
    const warmKey = decodeURIComponent(new URL(warmUrl).pathname.split('/').pop()!);
    for (const key of [warmKey, `${warmKey}.info`, 'direct-warmup']) await s3.send(new DeleteObjectCommand({ Bucket: 'vora-raw', Key: key }));

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
    memory.peak = Math.round(memory.peak);
    const tusRate = sizeMiB / median(tusSeconds);
    const directRate = sizeMiB / median(directSeconds);
    console.log(`\n${sizeMiB} MiB, median of ${rounds}: TUS ${tusRate.toFixed(1)} MiB/s vs direct S3 multipart ${directRate.toFixed(1)} MiB/s (ratio ${(tusRate / directRate).toFixed(2)})`);
    console.log(`TUS process RSS: idle ${idleMiB} MiB, peak ${memory.peak} MiB over ${rounds} uploads of ${sizeMiB} MiB`);
    const notes = (extra: string) => [extra, modeNote].filter(Boolean).join('; ');
    await writeResults('tus-upload', [
      { name: 'tus-upload', value: tusRate, unit: 'MiB/s', baseline: 'direct S3 multipart upload to the same MinIO (8 MiB parts, 4 in flight)', baselineValue: directRate, better: 'higher', goal: { ratioAtLeast: 0.8 }, notes: notes(`${sizeMiB} MiB file, median of ${rounds} rounds after a 16 MiB warm-up; tus-js-client 64 MiB PATCHes; @tus/s3-store 8 MiB parts spilled to temp files`) },
      { name: 'tus-process-peak-rss', value: memory.peak, unit: 'MiB', baseline: 'the same process idle', baselineValue: idleMiB, better: 'lower', goal: { text: `flat: far below the ${sizeMiB} MiB file` }, notes: notes('VmHWM of the process running only the TUS route (no DB, no Temporal); origin-memory measures the whole origin') },
    ]);
  } finally {
    if (tusProcess) await stopProcess(tusProcess);
    s3.destroy();
    await runner.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
