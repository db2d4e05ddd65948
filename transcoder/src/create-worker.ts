import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from './activities/index.ts';
import type { TranscoderConfig } from './config.ts';
import { transcodeTaskQueue } from '../../contracts/transcode.ts';
import { createTranscoderStorage } from './storage/s3-client.ts';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

export interface TranscodeWorker {
  worker: Worker;
  connection: NativeConnection;
  identity: string;
}

/** Connects to Temporal, bundles the workflows and registers the activities on `vora-transcode`. */
export async function createTranscodeWorker(config: TranscoderConfig, logger: Logger): Promise<TranscodeWorker> {
  const { address, namespace } = config.temporal;
  const identity = config.temporal.identity ?? `transcoder@${hostname()}-${process.pid}`;
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address });
  } catch (error) {
    throw new Error(`Temporal is not reachable at ${address} — is \`npm start\` running? (${(error as Error).message})`);
  }
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue: transcodeTaskQueue,
      identity,
      workflowsPath,
      activities: createActivities({
        ffprobePath: config.ffprobe.path,
        ffprobeTimeoutMs: config.ffprobe.timeoutMs,
        ffmpegPath: config.ffmpeg.path,
        x264Preset: config.ffmpeg.x264Preset,
        workRoot: config.ffmpeg.workDir,
        // Without credentials the worker still starts (and probes paths/URLs); encoding then fails with the fix.
        storage: config.s3.accessKeyId && config.s3.secretAccessKey ? createTranscoderStorage(config.s3) : undefined,
        logger,
      }),
    });
    return { worker, connection, identity };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
