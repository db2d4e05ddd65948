import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type State } from '@temporalio/worker';
import type { Logger } from 'pino';
import { activitiesByQueue, createActivities } from './activities/index.ts';
import type { TranscoderConfig } from './config.ts';
import { playableTaskQueue, transcodeTaskQueue } from '../../contracts/transcode.ts';
import { createTranscoderStorage } from './storage/s3-client.ts';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/**
 * The two pollers of one transcoder process, run and stopped as one: `vora-transcode` (workflows and ladder
 * passes, `slots.ladder` at once) and `vora-playable` (probe, stream copy, first rung: `slots.playable` at once).
 * A busy ladder never holds back the work that makes the next upload PLAYABLE.
 */
export class TranscodeWorkers {
  constructor(readonly ladder: Worker, readonly playable: Worker) {}

  /** Resolves once both have stopped (after `shutdown()`, in-flight tasks done); rejects if either fails. */
  async run(): Promise<void> {
    const runs = [this.ladder.run(), this.playable.run()];
    try {
      await Promise.all(runs);
    } catch (error) {
      this.shutdown();
      await Promise.allSettled(runs);
      throw error;
    }
  }

  shutdown(): void {
    for (const worker of [this.ladder, this.playable]) if (worker.getState() === 'RUNNING') worker.shutdown();
  }

  /** RUNNING while both poll; otherwise the state of the one that is not running. */
  getState(): State {
    const states = [this.ladder.getState(), this.playable.getState()];
    return states.find((state) => state !== 'RUNNING') ?? 'RUNNING';
  }
}

export interface TranscodeWorker {
  worker: TranscodeWorkers;
  connection: NativeConnection;
  identity: string;
}

/** Connects to Temporal, bundles the workflows and registers the activities on their two task queues. */
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
    const activities = activitiesByQueue(createActivities({
      ffprobePath: config.ffprobe.path,
      ffprobeTimeoutMs: config.ffprobe.timeoutMs,
      ffmpegPath: config.ffmpeg.path,
      x264Preset: config.ffmpeg.x264Preset,
      workRoot: config.ffmpeg.workDir,
      ladderNiceness: config.ffmpeg.ladderNiceness,
      // Without credentials the worker still starts (and probes paths/URLs); encoding then fails with the fix.
      storage: config.s3.accessKeyId && config.s3.secretAccessKey ? createTranscoderStorage(config.s3) : undefined,
      logger,
    }));
    const ladder = await Worker.create({
      connection, namespace, taskQueue: transcodeTaskQueue, identity, workflowsPath, activities: activities.ladder,
      maxConcurrentActivityTaskExecutions: config.slots.ladder,
    });
    const playable = await Worker.create({
      connection, namespace, taskQueue: playableTaskQueue, identity, activities: activities.playable,
      maxConcurrentActivityTaskExecutions: config.slots.playable,
    });
    return { worker: new TranscodeWorkers(ladder, playable), connection, identity };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
