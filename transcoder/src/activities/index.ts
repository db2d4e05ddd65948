import type { Logger } from 'pino';
import type { CpuBudget } from '../ffmpeg/resource-limits.ts';
import type { SpeechEngineSettings } from '../captions/speech-engines.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { createEncodeChunk } from './encode-chunk.ts';
import { createEncodeFirstRung } from './encode-first-rung.ts';
import { createEncodeRenditions } from './encode-renditions.ts';
import { createGenerateCaptions } from './generate-captions.ts';
import { createProbeSource } from './probe-source.ts';
import { createPublishJoined } from './publish-joined.ts';
import { createPublishSource } from './publish-source.ts';
import { createRemoveOutputs } from './remove-outputs.ts';
import { createScanKeyframes } from './scan-keyframes.ts';

/** Everything the transcoder's activities need from the outside world, passed in (no globals). */
export interface TranscodeActivityDeps {
  ffprobePath: string;
  ffprobeTimeoutMs: number;
  ffmpegPath?: string;
  x264Preset?: string;
  workRoot?: string;
  /** Niceness of ladder work (0 = none): PLAYABLE work of other videos gets the CPU first. */
  ladderNiceness?: number;
  /** Memory limits (MiB, 0 or absent = none) of each FFmpeg and ffprobe process. */
  ffmpegMemoryMb?: number;
  ffprobeMemoryMb?: number;
  /** CPU time each encode may use (default: 10 min + 60 s per source second). */
  ffmpegCpuBudget?: CpuBudget;
  /** The speech engines of automatic captions; absent = pocketsphinx from PATH with Debian's model. */
  speechEngines?: SpeechEngineSettings;
  captionsNiceness?: number;
  captionsMemoryMb?: number;
  /** MinIO; without it only local paths/URLs can be probed, and encoding activities fail with the fix. */
  storage?: TranscoderStorage;
  logger: Logger;
}

/** A stand-in that fails each call with the cause and the fix, so a worker without S3 settings still probes. */
function missingStorage(): TranscoderStorage {
  const fail = (): never => {
    throw new Error('the transcoder has no S3 settings — set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (npm start does)');
  };
  return { get s3() { return fail(); }, rawBucket: 'vora-raw', mediaBucket: 'vora-media', presignRaw: fail } as TranscoderStorage;
}

/** The activities the transcoder registers; workflows see only their type. */
export function createActivities(deps: TranscodeActivityDeps) {
  const storage = deps.storage ?? missingStorage();
  const encode = {
    ffmpegPath: deps.ffmpegPath ?? 'ffmpeg', x264Preset: deps.x264Preset ?? 'veryfast', storage, logger: deps.logger, workRoot: deps.workRoot, ladderNiceness: deps.ladderNiceness,
    ffmpegMemoryMb: deps.ffmpegMemoryMb, ffmpegCpuBudget: deps.ffmpegCpuBudget,
  };
  return {
    probeSource: createProbeSource({ ...deps, presignRaw: deps.storage?.presignRaw }),
    publishSource: createPublishSource(encode),
    encodeFirstRung: createEncodeFirstRung(encode),
    encodeRenditions: createEncodeRenditions(encode),
    removeOutputs: createRemoveOutputs({ storage, logger: deps.logger }),
    scanKeyframes: createScanKeyframes(encode),
    encodeChunk: createEncodeChunk(encode),
    publishJoined: createPublishJoined({ storage }),
    generateCaptions: createGenerateCaptions({
      ffmpegPath: deps.ffmpegPath ?? 'ffmpeg', ffmpegMemoryMb: deps.ffmpegMemoryMb, engines: deps.speechEngines ?? defaultSpeechEngines, engineMemoryMb: deps.captionsMemoryMb,
      niceness: deps.captionsNiceness, storage, logger: deps.logger, workRoot: deps.workRoot,
    }),
  };
}

const defaultSpeechEngines: SpeechEngineSettings = {
  preference: 'auto', pocketsphinx: { path: 'pocketsphinx_continuous', modelDir: '/usr/share/pocketsphinx/model/en-us' },
};

export type TranscodeActivities = ReturnType<typeof createActivities>;

/** Activities of `vora-playable`: short, and what makes a video PLAYABLE. The rest (ladder work) runs on `vora-transcode`. */
export const playableActivityNames = ['probeSource', 'publishSource', 'encodeFirstRung', 'removeOutputs', 'scanKeyframes', 'publishJoined'] as const satisfies readonly (keyof TranscodeActivities)[];

/** Activities of `vora-captions`: speech recognition, in slots of its own. */
export const captionsActivityNames = ['generateCaptions'] as const satisfies readonly (keyof TranscodeActivities)[];

type ActivitiesOfQueue = Partial<TranscodeActivities>;

/** The activities split by the task queue that runs them. */
export function activitiesByQueue(activities: TranscodeActivities): { playable: ActivitiesOfQueue; ladder: ActivitiesOfQueue; captions: ActivitiesOfQueue } {
  const queues = { playable: {} as ActivitiesOfQueue, ladder: {} as ActivitiesOfQueue, captions: {} as ActivitiesOfQueue };
  for (const [name, activity] of Object.entries(activities) as [keyof TranscodeActivities, TranscodeActivities[keyof TranscodeActivities]][]) {
    const queue = (playableActivityNames as readonly string[]).includes(name) ? 'playable' : (captionsActivityNames as readonly string[]).includes(name) ? 'captions' : 'ladder';
    (queues[queue] as Record<string, unknown>)[name] = activity;
  }
  return queues;
}
