import type { ProbeVerdict, SourceProbe } from '../../../contracts/transcode.ts';

const formatSeconds = (seconds: number) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`);

/** The origin's policy on a probed source: today, the video's `maxDurationSeconds`. Pure. */
export function probeVerdict(probe: Pick<SourceProbe, 'durationSeconds'>, maxDurationSeconds: number | null): ProbeVerdict {
  if (maxDurationSeconds !== null && probe.durationSeconds > maxDurationSeconds) {
    return {
      accepted: false,
      reason: `it is ${formatSeconds(probe.durationSeconds)} long, longer than the ${formatSeconds(maxDurationSeconds)} this video allows (maxDurationSeconds ${maxDurationSeconds})`,
    };
  }
  return { accepted: true };
}
