import type { RenditionPlan } from './plan-ladder.ts';

/** fMP4 boxes and the AAC stream's own peaks, on top of the encoders' bitrates. */
const containerOverhead = 1.05;

/**
 * An upper bound of a rung's peak segment bitrate before it is measured (a progressive rung is listed at PLAYABLE,
 * while it is still encoding): x264's VBV caps any `segmentSeconds` window at maxrate × seconds + bufsize. Pure.
 */
export function plannedPeakBandwidth(rung: Pick<RenditionPlan, 'maxrate' | 'bufsize' | 'audioBitrate'>, segmentSeconds: number): number {
  return Math.ceil((rung.maxrate + rung.bufsize / segmentSeconds + (rung.audioBitrate ?? 0)) * containerOverhead);
}

/** The planned average: target video bitrate plus audio. Pure. */
export function plannedAverageBandwidth(rung: Pick<RenditionPlan, 'videoBitrate' | 'audioBitrate'>): number {
  return Math.ceil((rung.videoBitrate + (rung.audioBitrate ?? 0)) * containerOverhead);
}
