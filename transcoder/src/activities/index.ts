import type { Logger } from 'pino';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { createEncodeRenditions } from './encode-renditions.ts';
import { createMakePreviews } from './make-previews.ts';
import { createProbeSource } from './probe-source.ts';
import { createRemoveOutputs } from './remove-outputs.ts';

/** Everything the transcoder's activities need from the outside world, passed in (no globals). */
export interface TranscodeActivityDeps {
  ffprobePath: string;
  ffprobeTimeoutMs: number;
  ffmpegPath?: string;
  x264Preset?: string;
  workRoot?: string;
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

/** The activities the `vora-transcode` worker registers; workflows see only their type. */
export function createActivities(deps: TranscodeActivityDeps) {
  const storage = deps.storage ?? missingStorage();
  const ffmpegPath = deps.ffmpegPath ?? 'ffmpeg';
  return {
    probeSource: createProbeSource({ ...deps, presignRaw: deps.storage?.presignRaw }),
    encodeRenditions: createEncodeRenditions({ ffmpegPath, x264Preset: deps.x264Preset ?? 'veryfast', storage, logger: deps.logger, workRoot: deps.workRoot }),
    makePreviews: createMakePreviews({ ffmpegPath, storage, logger: deps.logger, workRoot: deps.workRoot }),
    removeOutputs: createRemoveOutputs({ storage, logger: deps.logger }),
  };
}

export type TranscodeActivities = ReturnType<typeof createActivities>;
