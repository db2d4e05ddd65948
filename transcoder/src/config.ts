import { z } from 'zod';
import { defaultCpuBudget, type CpuBudget } from './ffmpeg/resource-limits.ts';
import { SPEECH_ENGINE_NAMES, type SpeechEngineSettings } from './captions/speech-engines.ts';
import { captionsTaskQueue, playableTaskQueue, transcodeTaskQueue } from '../../contracts/transcode.ts';
import { liveTaskQueue } from '../../contracts/live.ts';

/** Every task queue a transcoder process can poll; by default it polls them all. */
export const workerTaskQueues = [transcodeTaskQueue, playableTaskQueue, liveTaskQueue, captionsTaskQueue] as const;
export type WorkerTaskQueue = (typeof workerTaskQueues)[number];

const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The transcoder's environment; defaults match the local stack (see transcoder/README.md). */
const transcoderEnv = z.object({
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port, e.g. 127.0.0.1:7233').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Lets `vora dev` recognise this very process among the task queue's pollers. */
  TEMPORAL_WORKER_IDENTITY: z.string().min(1).optional(),
  /** The workflows bundled ahead (`npm start` does it); unset = bundled by this process at start (webpack, ~90 MiB more resident). */
  TEMPORAL_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  FFPROBE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  /** Memory (RLIMIT_DATA, via prlimit) of each FFmpeg, MiB; a 3-rung 1080p ladder uses ~750 MiB on 2 cores. 0 turns it off. */
  TRANSCODE_FFMPEG_MEMORY_MB: z.coerce.number().int().min(0).default(4096),
  /** CPU seconds (RLIMIT_CPU, via prlimit) every encode may use, beside the allowance per source second below. */
  TRANSCODE_FFMPEG_CPU_SECONDS: z.coerce.number().min(0).default(defaultCpuBudget.baseSeconds),
  /** CPU seconds an encode may use per second of source; with TRANSCODE_FFMPEG_CPU_SECONDS 0 too, no CPU limit. */
  TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND: z.coerce.number().min(0).default(defaultCpuBudget.perSourceSecond),
  /** Memory of each ffprobe, MiB. 0 turns it off. */
  FFPROBE_MEMORY_MB: z.coerce.number().int().min(0).default(1024),
  /** x264 speed/size trade-off; `veryfast` keeps a 2-core machine near real time at 1080p. */
  X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  /** Local scratch space for encodes (defaults to the OS temp dir). */
  TRANSCODE_WORK_DIR: z.string().min(1).optional(),
  /** Ladder passes one worker runs at once (`vora-transcode`); one keeps a 2-core box from thrashing. */
  TRANSCODE_LADDER_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
  /** PLAYABLE work (probe, stream copy, first rung) one worker runs at once (`vora-playable`), beside the ladders. */
  TRANSCODE_PLAYABLE_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * The task queues this process polls (comma-separated). A pool of live workers polls `vora-live` alone, so VOD work
   * never lands on it and it scales with the broadcasts (terraform/modules/origin, role live).
   */
  TRANSCODE_TASK_QUEUES: z
    .string()
    .default(workerTaskQueues.join(','))
    .transform((value) => [...new Set(value.split(',').map((queue) => queue.trim()).filter(Boolean))])
    .refine((queues) => queues.length > 0 && queues.every((queue) => (workerTaskQueues as readonly string[]).includes(queue)), `comma-separated task queues among ${workerTaskQueues.join(', ')}, e.g. vora-live`)
    .transform((queues) => queues as WorkerTaskQueue[]),
  /** Live ladders one worker runs at once (`vora-live`); a 720p+360p ladder takes ~60 % of a core. */
  TRANSCODE_LIVE_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /** Restream pushes (`-c copy`, a few % of a core each) one worker runs at once beside its live ladders, on `vora-live`. */
  TRANSCODE_RESTREAM_SLOTS: z.coerce.number().int().min(0).max(256).default(8),
  /** The origin's internal live routes, e.g. http://127.0.0.1:8080/internal/live: restream pushes read their target there, low-latency ladders PUT their fragmented MP4 there. */
  VORA_ORIGIN_INTERNAL_URL: z.url().optional(),
  /** The secret those routes take (the origin's VORA_INTERNAL_SECRET). */
  VORA_INTERNAL_SECRET: z.string().min(16).optional(),
  /** Niceness of ladder FFmpeg processes: PLAYABLE work of newer uploads gets the CPU first. 0 turns it off. */
  TRANSCODE_LADDER_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** Speech recognition (automatic captions) one worker runs at once (`vora-captions`). */
  TRANSCODE_CAPTIONS_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
  /** `auto`: faster-whisper when its model is configured, else pocketsphinx; or one engine by name. */
  CAPTIONS_ENGINE: z.enum(['auto', ...SPEECH_ENGINE_NAMES]).default('auto'),
  POCKETSPHINX_PATH: z.string().min(1).default('pocketsphinx_continuous'),
  /** Debian's pocketsphinx-en-us: `en-us/` (acoustic model), `en-us.lm.bin`, `cmudict-en-us.dict`. */
  POCKETSPHINX_MODEL_DIR: z.string().min(1).default('/usr/share/pocketsphinx/model/en-us'),
  /** The python of a venv with faster-whisper, and a CTranslate2 Whisper model directory: both, or neither. */
  FASTER_WHISPER_PYTHON: z.string().min(1).optional(),
  FASTER_WHISPER_MODEL_DIR: z.string().min(1).optional(),
  /** CPU threads of one recognition. */
  CAPTIONS_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /** Niceness of captions work (above the ladder's): it yields the CPU to PLAYABLE and READY work. 0 turns it off. */
  CAPTIONS_NICENESS: z.coerce.number().int().min(0).max(19).default(15),
  /** Memory of the speech engine, MiB (faster-whisper base uses ~400). 0 turns it off. */
  CAPTIONS_ENGINE_MEMORY_MB: z.coerce.number().int().min(0).default(4096),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  // S3 (MinIO): raw uploads are read through presigned URLs, media written to the media bucket.
  S3_ENDPOINT: z.url().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_RAW_BUCKET: z.string().min(3).default('vora-raw'),
  S3_MEDIA_BUCKET: z.string().min(3).default('vora-media'),
});

const bothOrNeither = (vars: { FASTER_WHISPER_PYTHON?: string; FASTER_WHISPER_MODEL_DIR?: string }) =>
  (vars.FASTER_WHISPER_PYTHON === undefined) === (vars.FASTER_WHISPER_MODEL_DIR === undefined);

export interface TranscoderConfig {
  temporal: { address: string; namespace: string; identity: string | undefined; workflowBundle?: string };
  ffprobe: { path: string; timeoutMs: number; memoryMb: number };
  ffmpeg: { path: string; x264Preset: string; workDir: string | undefined; ladderNiceness: number; memoryMb: number; cpuBudget: CpuBudget };
  slots: { ladder: number; playable: number; live: number; restream: number; captions: number };
  /** The origin's internal live routes: restream pushes read their target there, low-latency ladders PUT to its packager; null without VORA_ORIGIN_INTERNAL_URL and VORA_INTERNAL_SECRET. */
  restreamOrigin: { internalUrl: string; internalSecret: string } | null;
  taskQueues: WorkerTaskQueue[];
  captions: { engines: SpeechEngineSettings; niceness: number; memoryMb: number };
  logLevel: (typeof logLevels)[number];
  s3: { endpoint: string; region: string; accessKeyId?: string; secretAccessKey?: string; rawBucket: string; mediaBucket: string };
}

/** Reads and checks the environment once, at startup; a bad value is an error naming the variable. */
export function loadTranscoderConfig(env: NodeJS.ProcessEnv = process.env): TranscoderConfig {
  const parsed = transcoderEnv.refine(bothOrNeither, { message: 'set both FASTER_WHISPER_PYTHON and FASTER_WHISPER_MODEL_DIR, or neither', path: ['FASTER_WHISPER_MODEL_DIR'] }).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`transcoder configuration is invalid — ${problems} (see transcoder/README.md for the variables)`);
  }
  const vars = parsed.data;
  return {
    temporal: { address: vars.TEMPORAL_ADDRESS, namespace: vars.TEMPORAL_NAMESPACE, identity: vars.TEMPORAL_WORKER_IDENTITY, workflowBundle: vars.TEMPORAL_WORKFLOW_BUNDLE },
    ffprobe: { path: vars.FFPROBE_PATH, timeoutMs: vars.FFPROBE_TIMEOUT_MS, memoryMb: vars.FFPROBE_MEMORY_MB },
    ffmpeg: {
      path: vars.FFMPEG_PATH,
      x264Preset: vars.X264_PRESET,
      workDir: vars.TRANSCODE_WORK_DIR,
      ladderNiceness: vars.TRANSCODE_LADDER_NICENESS,
      memoryMb: vars.TRANSCODE_FFMPEG_MEMORY_MB,
      cpuBudget: { baseSeconds: vars.TRANSCODE_FFMPEG_CPU_SECONDS, perSourceSecond: vars.TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND },
    },
    slots: { ladder: vars.TRANSCODE_LADDER_SLOTS, playable: vars.TRANSCODE_PLAYABLE_SLOTS, live: vars.TRANSCODE_LIVE_SLOTS, restream: vars.TRANSCODE_RESTREAM_SLOTS, captions: vars.TRANSCODE_CAPTIONS_SLOTS },
    restreamOrigin: vars.VORA_ORIGIN_INTERNAL_URL && vars.VORA_INTERNAL_SECRET ? { internalUrl: vars.VORA_ORIGIN_INTERNAL_URL.replace(/\/+$/, ''), internalSecret: vars.VORA_INTERNAL_SECRET } : null,
    taskQueues: vars.TRANSCODE_TASK_QUEUES,
    captions: {
      engines: {
        preference: vars.CAPTIONS_ENGINE,
        pocketsphinx: { path: vars.POCKETSPHINX_PATH, modelDir: vars.POCKETSPHINX_MODEL_DIR },
        ...(vars.FASTER_WHISPER_PYTHON && vars.FASTER_WHISPER_MODEL_DIR
          ? { fasterWhisper: { python: vars.FASTER_WHISPER_PYTHON, modelDir: vars.FASTER_WHISPER_MODEL_DIR, threads: vars.CAPTIONS_THREADS } }
          : {}),
      },
      niceness: vars.CAPTIONS_NICENESS,
      memoryMb: vars.CAPTIONS_ENGINE_MEMORY_MB,
    },
    logLevel: vars.LOG_LEVEL,
    s3: {
      endpoint: vars.S3_ENDPOINT,
      region: vars.S3_REGION,
      accessKeyId: vars.S3_ACCESS_KEY_ID,
      secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
      rawBucket: vars.S3_RAW_BUCKET,
      mediaBucket: vars.S3_MEDIA_BUCKET,
    },
  };
}
