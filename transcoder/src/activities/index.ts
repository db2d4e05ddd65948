import type { Logger } from 'pino';
import { createProbeSource } from './probe-source.ts';

/** Everything the transcoder's activities need from the outside world, passed in (no globals). */
export interface TranscodeActivityDeps {
  ffprobePath: string;
  ffprobeTimeoutMs: number;
  logger: Logger;
}

/** The activities the `vora-transcode` worker registers; workflows see only their type. */
export function createActivities(deps: TranscodeActivityDeps) {
  return {
    probeSource: createProbeSource(deps),
  };
}

export type TranscodeActivities = ReturnType<typeof createActivities>;
