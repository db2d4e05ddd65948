import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import type { StackPorts } from '../../../contracts/local-ports.ts';
import { stackContext, type StackContext } from '../../../stack/component.ts';
import { expect } from 'vitest';
import { minioClient, minioComponent, minioEndpoint } from '../../../stack/components/minio.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { openDatabase } from '../../../origin/src/db/open.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';
import { createVideo, transitionVideo } from '../../../origin/src/db/videos.ts';
import type { VideoEvent, VideoEventPublisher } from '../../../origin/src/events/video-events.ts';
import { startOriginWorker } from '../../../origin/src/workflow/origin-worker.ts';
import { loadTranscoderConfig, type TranscoderConfig } from '../../../transcoder/src/config.ts';
import { createTranscodeWorker } from '../../../transcoder/src/create-worker.ts';
import { fakeSecrets } from '../../support/secrets.ts';

/** MinIO + Temporal dev server on shifted ports, a PGlite DB, and both workers in-process. */
export interface LadderStack {
  ctx: StackContext;
  dataDir: string;
  s3: S3Client;
  sql: Sql;
  client: Client;
  events: VideoEvent[];
  transcoderEnv: Record<string, string>;
  /** Starts an in-process transcode worker; returns its stop function. */
  startTranscoder(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const secrets = fakeSecrets();

export async function startLadderStack(ports: StackPorts): Promise<LadderStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(join(tmpdir(), 'vora-ladder-'));
  const ctx = stackContext(ports, secrets, dataDir);
  const runner = new StackRunner([minioComponent(ctx), temporalComponent(ctx)], ctx.logDir);
  const cleanups: (() => Promise<unknown>)[] = [() => runner.stop(), async () => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse().reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await runner.start();
    const s3 = minioClient(ctx);
    const sql = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    cleanups.unshift(() => sql.close());
    const address = `127.0.0.1:${ctx.ports.temporal}`;
    const connection = await Connection.connect({ address });
    cleanups.unshift(() => connection.close());
    const client = new Client({ connection });
    const events: VideoEvent[] = [];
    const publisher: VideoEventPublisher = { publish: async (event) => void events.push(event) };
    const log = pino({ level: 'warn' });
    const originWorker = await startOriginWorker({ sql, s3, events: publisher, temporalAddress: address, namespace: 'default', log });
    cleanups.unshift(() => originWorker.stop());
    const transcoderEnv = {
      TEMPORAL_ADDRESS: address,
      S3_ENDPOINT: minioEndpoint(ctx),
      S3_ACCESS_KEY_ID: secrets.minioUser,
      S3_SECRET_ACCESS_KEY: secrets.minioPassword,
      TRANSCODE_WORK_DIR: join(dataDir, 'work'),
      LOG_LEVEL: 'warn',
    };
    const startTranscoder = async () => {
      const config: TranscoderConfig = loadTranscoderConfig(transcoderEnv);
      const { worker, connection: workerConnection } = await createTranscodeWorker(config, log);
      const running = worker.run();
      const stopWorker = async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await workerConnection.close();
      };
      cleanups.unshift(stopWorker);
      return stopWorker;
    };
    return { ctx, dataDir, s3, sql, client, events, transcoderEnv, startTranscoder, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A video row in PROCESSING, as the upload hook leaves it. */
export async function processingVideo(sql: Sql, id: string, maxDurationSeconds?: number): Promise<void> {
  await createVideo(sql, { id, title: id, maxDurationSeconds: maxDurationSeconds ?? null });
  await transitionVideo(sql, id, ['CREATED'], 'UPLOADING');
  await transitionVideo(sql, id, ['UPLOADING'], 'PROCESSING');
}

export async function putRaw(s3: S3Client, key: string, path: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: 'vora-raw', Key: key, Body: await readFile(path) }));
}

/** Every key under a prefix of `vora-media`, with sizes. */
export async function listMedia(s3: S3Client, prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'vora-media', Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) found.set(object.Key!, object.Size ?? 0);
    token = page.NextContinuationToken;
  } while (token);
  return found;
}

/** Copies a video's media tree to a local dir (so ffprobe reads exactly what viewers would). */
export async function downloadMedia(s3: S3Client, videoId: string, toDir: string): Promise<void> {
  for (const key of (await listMedia(s3, `${videoId}/`)).keys()) {
    const object = await s3.send(new GetObjectCommand({ Bucket: 'vora-media', Key: key }));
    const path = join(toDir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, await object.Body!.transformToByteArray());
  }
}

/** Every stored object of a video is named by one of its playlists (downloaded to `local`), or is a preview: nothing stray. */
export async function expectOnlyNamedObjects(s3: S3Client, videoId: string, local: string, renditions: string[]): Promise<void> {
  const expected = ['thumbnail.jpg', 'storyboard.jpg', 'storyboard.vtt'].map((file) => `${videoId}/${file}`);
  for (const name of renditions) {
    const playlist = await readFile(join(local, videoId, name, 'playlist.m3u8'), 'utf8');
    expected.push(`${videoId}/${name}/playlist.m3u8`, `${videoId}/${name}/init.mp4`);
    for (const line of playlist.split('\n')) if (line.endsWith('.m4s')) expected.push(`${videoId}/${name}/${line}`);
  }
  expect([...(await listMedia(s3, `${videoId}/`)).keys()].sort()).toEqual(expected.sort());
}
