/**
 * Everything a broadcast passes through, for the live tests: MinIO and Temporal (the stack's runner), the origin's
 * live routes in-process (PGlite, starting `live-{id}-{n}` on Temporal), nginx-rtmp as `npm start` runs it, and a
 * transcoder worker in-process (it polls `vora-live` too).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import type { StackPorts } from '../../../contracts/local-ports.ts';
import { liveTaskQueue } from '../../../contracts/live.ts';
import { captionsTaskQueue, playableTaskQueue, transcodeTaskQueue } from '../../../contracts/transcode.ts';
import { beginOrResumeBroadcast, signalRestreamTargetsChanged } from '../../../origin/src/live/start-broadcast.ts';
import { startOriginWorker } from '../../../origin/src/workflow/origin-worker.ts';
import { stackContext, type StackContext } from '../../../stack/component.ts';
import { ingestComponent } from '../../../stack/components/ingest.ts';
import { ingestSrtComponent, srtPortRange } from '../../../stack/components/ingest-srt.ts';
import { minioClient, minioComponent, minioEndpoint } from '../../../stack/components/minio.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { loadTranscoderConfig } from '../../../transcoder/src/config.ts';
import { createTranscodeWorker } from '../../../transcoder/src/create-worker.ts';
import { startLiveOrigin, type LiveOrigin } from './live-origin.ts';
import { fakeSecrets } from '../../support/secrets.ts';

export interface LiveStack {
  ctx: StackContext;
  s3: S3Client;
  temporal: Client;
  origin: LiveOrigin;
  rtmpBase: string;
  stop(): Promise<void>;
}

const secrets = fakeSecrets();

/** `srt`: also run the SRT relay (ingest/srt-relay.ts), and let inputs take SRT ports of the stack's range. */
export async function startLiveStack(ports: StackPorts, options: { srt?: boolean } = {}): Promise<LiveStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(join(tmpdir(), 'vora-live-stack-'));
  const ctx = stackContext(ports, secrets, dataDir);
  const rtmpBase = `rtmp://127.0.0.1:${ctx.ports.ingestRtmp}/live`;
  const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
  };
  try {
    const servers = new StackRunner([minioComponent(ctx), temporalComponent(ctx)], join(dataDir, 'logs'));
    cleanups.unshift(() => servers.stop(10_000));
    await servers.start();
    const s3 = minioClient(ctx);
    const connection = await Connection.connect({ address: `127.0.0.1:${ctx.ports.temporal}` });
    cleanups.unshift(() => connection.close());
    const temporal = new Client({ connection });
    const origin = await startLiveOrigin({
      ingestSecret: secrets.internalSecret,
      rtmpUrl: rtmpBase,
      hooks: { onPublish: (input, options) => beginOrResumeBroadcast(temporal, input, options) },
      media: { s3, bucket: 'vora-media' },
      srtPorts: options.srt ? srtPortRange(ctx) : undefined,
      restreamTargetsChanged: (input) => signalRestreamTargetsChanged(temporal, input),
    });
    cleanups.unshift(() => origin.close());
    // The live workflow asks the input's row through the origin's own worker on `vora-origin`.
    const originWorker = await startOriginWorker({ sql: origin.sql, s3, events: { publish: async () => {} }, temporalAddress: `127.0.0.1:${ctx.ports.temporal}`, namespace: 'default', log: pino({ level: 'warn' }) });
    cleanups.unshift(() => originWorker.stop());
    // The SRT relay reads its listeners from the in-process origin (one per SRT-enabled input) and relays into nginx-rtmp.
    const ingest = new StackRunner(
      [ingestComponent(ctx, { originUrl: origin.url }), ...(options.srt ? [ingestSrtComponent(ctx, { originUrl: origin.url, pollSeconds: 0.5 })] : [])],
      join(dataDir, 'logs'),
    );
    cleanups.unshift(() => ingest.stop(5_000));
    await ingest.start();

    const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
    const workerEnv = {
      TEMPORAL_ADDRESS: `127.0.0.1:${ctx.ports.temporal}`,
      S3_ENDPOINT: minioEndpoint(ctx),
      S3_ACCESS_KEY_ID: secrets.minioUser,
      S3_SECRET_ACCESS_KEY: secrets.minioPassword,
      TRANSCODE_WORK_DIR: join(dataDir, 'work'),
      // The ladder's shape is what is tested, not x264's: the cheapest preset keeps a busy 2-core box real-time.
      X264_PRESET: 'ultrafast',
      LOG_LEVEL: 'warn',
      // Restream pushes read their target's URL and key from the origin's internal routes at run time.
      VORA_ORIGIN_INTERNAL_URL: `${origin.url}/internal/live`,
      VORA_INTERNAL_SECRET: secrets.internalSecret,
    };
    // As in production with a live pool (terraform/modules/origin, role live): the workflows run on a transcoder that
    // does not poll vora-live, the ladders on a worker that polls vora-live alone.
    for (const queues of [[transcodeTaskQueue, playableTaskQueue, captionsTaskQueue], [liveTaskQueue]]) {
      const config = loadTranscoderConfig({ ...workerEnv, TRANSCODE_TASK_QUEUES: queues.join(',') });
      const { worker, connection: workerConnection } = await createTranscodeWorker(config, log);
      const running = worker.run();
      cleanups.unshift(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await workerConnection.close();
      });
    }
    return { ctx, s3, temporal, origin, rtmpBase, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
