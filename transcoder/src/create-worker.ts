import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type State } from '@temporalio/worker';
import type { Logger } from 'pino';
import { activitiesByQueue, createActivities } from './activities/index.ts';
import type { TranscoderConfig } from './config.ts';
import { captionsTaskQueue, playableTaskQueue, transcodeTaskQueue } from '../../contracts/transcode.ts';
import { createTranscoderStorage } from './storage/s3-client.ts';
import { liveTaskQueue } from '../../contracts/live.ts';
import { createLiveActivities } from './live/live-activities.ts';
import { createRestreamActivities } from './live/restream-activity.ts';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

/**
 * The pollers of one transcoder process, run and stopped as one, one per task queue it polls
 * (`config.taskQueues`, all by default): `vora-transcode` (workflows and ladder passes, `slots.ladder` at once),
 * `vora-playable` (probe, stream copy, first rung: `slots.playable` at once; a busy ladder never holds back the work
 * that makes the next upload PLAYABLE), `vora-live` (live ladders, one per broadcast, `slots.live` at once) and
 * `vora-captions` (speech recognition, `slots.captions` at once).
 */
export class TranscodeWorkers {
  constructor(private readonly workers: Worker[]) {}

  private all(): Worker[] {
    return this.workers;
  }

  /** Resolves once all have stopped (after `shutdown()`, in-flight tasks done); rejects if one fails. */
  async run(): Promise<void> {
    const runs = this.all().map((worker) => worker.run());
    try {
      await Promise.all(runs);
    } catch (error) {
      this.shutdown();
      await Promise.allSettled(runs);
      throw error;
    }
  }

  shutdown(): void {
    for (const worker of this.all()) if (worker.getState() === 'RUNNING') worker.shutdown();
  }

  /** RUNNING while all poll; otherwise the state of the one that is not running. */
  getState(): State {
    const states = this.all().map((worker) => worker.getState());
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
    const storage = config.s3.accessKeyId && config.s3.secretAccessKey ? createTranscoderStorage(config.s3) : undefined;
    const activities = activitiesByQueue(createActivities({
      ffprobePath: config.ffprobe.path,
      ffprobeTimeoutMs: config.ffprobe.timeoutMs,
      ffmpegPath: config.ffmpeg.path,
      x264Preset: config.ffmpeg.x264Preset,
      workRoot: config.ffmpeg.workDir,
      ladderNiceness: config.ffmpeg.ladderNiceness,
      ffmpegMemoryMb: config.ffmpeg.memoryMb,
      ffmpegCpuBudget: config.ffmpeg.cpuBudget,
      ffprobeMemoryMb: config.ffprobe.memoryMb,
      speechEngines: config.captions.engines,
      captionsNiceness: config.captions.niceness,
      captionsMemoryMb: config.captions.memoryMb,
      // Without credentials the worker still starts (and probes paths/URLs); encoding then fails with the fix.
      storage,
      logger,
    }));
    const polls = (queue: string) => (config.taskQueues as readonly string[]).includes(queue);
    const workers: Worker[] = [];
    if (polls(transcodeTaskQueue)) {
      workers.push(await Worker.create({
        connection, namespace, taskQueue: transcodeTaskQueue, identity, activities: activities.ladder,
        ...(config.temporal.workflowBundle ? { workflowBundle: { codePath: config.temporal.workflowBundle } } : { workflowsPath }),
        maxConcurrentActivityTaskExecutions: config.slots.ladder,
      }));
    }
    if (polls(playableTaskQueue)) {
      workers.push(await Worker.create({
        connection, namespace, taskQueue: playableTaskQueue, identity, activities: activities.playable,
        maxConcurrentActivityTaskExecutions: config.slots.playable,
      }));
    }
    // Live ladders need MinIO from their first second; a worker without S3 settings does not offer them.
    if (polls(liveTaskQueue) && storage) {
      workers.push(await Worker.create({
        connection, namespace, taskQueue: liveTaskQueue, identity,
        activities: {
          ...createLiveActivities({ ffmpegPath: config.ffmpeg.path, x264Preset: config.ffmpeg.x264Preset, storage, logger, workRoot: config.ffmpeg.workDir, packagerOrigin: config.restreamOrigin }),
          // Without the origin's internal URL a restream push has no target to read: it is not offered here.
          ...(config.restreamOrigin ? createRestreamActivities({ ffmpegPath: config.ffmpeg.path, origin: config.restreamOrigin, logger: logger.child({ component: 'restream' }) }) : {}),
        },
        // One slot pool for the queue: ladders plus copy pushes (cheap), so pushes never wait behind ladders.
        maxConcurrentActivityTaskExecutions: config.slots.live + (config.restreamOrigin ? config.slots.restream : 0),
        // A cancellation reaches an activity with the answer to a heartbeat: sent every 2 s (not 16 s, 80 % of the
        // heartbeat timeout), a removed restream target's push or an ended broadcast's ladder stops within about 2 s.
        maxHeartbeatThrottleInterval: '2 seconds',
      }));
    }
    // Captions are written to MinIO: like live ladders, only a worker with S3 settings offers them.
    if (polls(captionsTaskQueue) && storage) {
      workers.push(await Worker.create({
        connection, namespace, taskQueue: captionsTaskQueue, identity, activities: activities.captions,
        maxConcurrentActivityTaskExecutions: config.slots.captions,
      }));
    }
    if (workers.length === 0) {
      throw new Error(`TRANSCODE_TASK_QUEUES=${config.taskQueues.join(',')} leaves this worker nothing to poll: ${liveTaskQueue} and ${captionsTaskQueue} need S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`);
    }
    return { worker: new TranscodeWorkers(workers), connection, identity };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
