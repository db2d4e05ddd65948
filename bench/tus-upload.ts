/**
 * tus-upload: throughput of a 1 GiB file into MinIO through the origin's TUS route (@tus/server over
 * our streaming S3 store, alone in its process: bench/servers/tus.ts) against a direct S3 multipart
 * upload of the same file to the same MinIO (8 MiB parts, 4 in flight). The TUS client is the CLI's
 * own (`uploadFileWithTus` of cli/lib/tus-upload.ts: the file streamed in one PATCH, as `vora upload`
 * sends it); a second, labelled figure sends 64 MiB PATCHes as a browser app would. Each round runs
 * the three sides in a rotating order; medians of the rounds. Also the TUS process's peak RSS, which
 * shows whether memory stays flat (the file is never held whole). A small warm-up upload each way first.
 *   node --import tsx bench/tus-upload.ts [sizeMiB=1024] [rounds=3]   (or BENCH_TUS_MIB / BENCH_TUS_ROUNDS; --quick: 16 MiB, 1 round)
 */
import type { ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { uploadFileWithTus } from '../cli/lib/tus-upload.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { stackContext } from '../stack/component.ts';
import { minioComponent, minioEndpoint } from '../stack/components/minio.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadNote } from './lib/machine.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { memoryMiB, startListening, stopProcess } from './lib/process.ts';
import { writeRandomFile } from './lib/random-file.ts';
import { median, writeResults } from './lib/results.ts';
import type { TusServeEnv } from './servers/tus.ts';
import { originNodeFlags } from '../origin/src/node-flags.ts';

const MiB = 1024 * 1024;
const partSize = 8 * MiB;
const credentials = { accessKeyId: 'vora-bench', secretAccessKey: 'vora-bench-password' };

/** The CLI's upload (same tus-js-client settings, file source); chunkSize Infinity is `vora upload`'s default. */
const uploadWithTus = (path: string, endpoint: string, chunkSize: number) => uploadFileWithTus({ path, target: { endpoint }, chunkSize, retryDelays: [] });
const browserChunk = 64 * MiB;

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
  const ctx = stackContext(shiftedPorts(12200), { apiToken: 'x', internalSecret: 'x', nodeKey: 'x', pullSecret: 'test-pull-secret-0123456789', minioUser: credentials.accessKeyId, minioPassword: credentials.secretAccessKey, secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' }, dir);
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
    const { child, port } = await startListening(fileURLToPath(new URL('./servers/tus.ts', import.meta.url)), [], { TUS_BENCH: JSON.stringify(tusEnv) }, 60_000, originNodeFlags);
    tusProcess = child;
    const idleMiB = Math.round((await memoryMiB(child.pid!)).now);
    // Warm-up: one small upload each way, so the first timed round pays no lazy loading or connection set-up.
    const endpoint = `http://127.0.0.1:${port}/v1/uploads?grant=bench`;
    const warmUrl = await uploadWithTus(warmupFile, endpoint, Number.POSITIVE_INFINITY);
    await uploadDirect(s3, warmupFile, 16 * MiB, 'direct-warmup');
    const warmKey = decodeURIComponent(new URL(warmUrl).pathname.split('/').pop()!);
    for (const key of [warmKey, `${warmKey}.info`, 'direct-warmup']) await s3.send(new DeleteObjectCommand({ Bucket: 'vora-raw', Key: key }));

    type Side = 'cli' | 'browser' | 'direct';
    const seconds: Record<Side, number[]> = { cli: [], browser: [], direct: [] };
    const runSide = async (side: Side, round: number) => {
      const startedAt = performance.now();
      const keys = [`direct-${round}`];
      if (side === 'direct') await uploadDirect(s3, file, size, keys[0]!);
      else {
        const url = await uploadWithTus(file, endpoint, side === 'cli' ? Number.POSITIVE_INFINITY : browserChunk);
        const key = decodeURIComponent(new URL(url).pathname.split('/').pop()!);
        keys.splice(0, 1, key, `${key}.info`);
      }
      seconds[side].push((performance.now() - startedAt) / 1000);
      for (const key of keys) await s3.send(new DeleteObjectCommand({ Bucket: 'vora-raw', Key: key }));
    };
    const sides: Side[] = ['cli', 'direct', 'browser'];
    for (let round = 0; round < rounds; round += 1) {
      const order = sides.map((_, i) => sides[(i + round) % sides.length]!); // rotate: each side goes first once in three rounds
      for (const side of order) await runSide(side, round);
      const rate = (side: Side) => (sizeMiB / seconds[side][round]!).toFixed(1);
      console.log(`round ${round + 1} (${order.join(' → ')}): TUS one PATCH ${rate('cli')} MiB/s, TUS 64 MiB PATCHes ${rate('browser')} MiB/s, direct multipart ${rate('direct')} MiB/s`);
    }
    const memory = await memoryMiB(child.pid!);
    memory.peak = Math.round(memory.peak);
    const [cliRate, browserRate, directRate] = (['cli', 'browser', 'direct'] as const).map((side) => sizeMiB / median(seconds[side]));
    console.log(`\n${sizeMiB} MiB, median of ${rounds}: TUS (CLI, one PATCH) ${cliRate!.toFixed(1)} MiB/s, TUS (browser-style 64 MiB PATCHes) ${browserRate!.toFixed(1)} MiB/s vs direct S3 multipart ${directRate!.toFixed(1)} MiB/s (ratios ${(cliRate! / directRate!).toFixed(2)}, ${(browserRate! / directRate!).toFixed(2)}); ${loadNote()}`);
    console.log(`TUS process RSS: idle ${idleMiB} MiB, peak ${memory.peak} MiB over ${rounds * 2} uploads of ${sizeMiB} MiB`);
    const notes = (extra: string) => [extra, modeNote].filter(Boolean).join('; ');
    const baseline = 'direct S3 multipart upload to the same MinIO (8 MiB parts, 4 in flight)';
    const how = `${sizeMiB} MiB file, median of ${rounds} rounds (sides in rotating order) after a 16 MiB warm-up; streaming S3 store, 8 MiB parts from memory`;
    await writeResults('tus-upload', [
      { name: 'tus-upload', value: cliRate!, unit: 'MiB/s', baseline, baselineValue: directRate!, better: 'higher', goal: { ratioAtLeast: 0.9 }, notes: notes(`${how}; the CLI's client (cli/lib/tus-upload.ts): one PATCH`) },
      { name: 'tus-upload-browser-chunks', value: browserRate!, unit: 'MiB/s', baseline, baselineValue: directRate!, better: 'higher', goal: { text: 'shown beside the CLI figure: 64 MiB PATCHes as a browser app sends them' }, notes: notes(`${how}; tus-js-client with chunkSize 64 MiB`) },
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
