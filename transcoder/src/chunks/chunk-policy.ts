/** Sources longer than this are encoded in chunks for READY (issue 19: "longer than a threshold, e.g. 5 min"). */
export const chunkThresholdSeconds = 300;
/** A multiple of 8 s: whole 4 s segments and whole 48 kHz AAC frames at every join whose source has a key frame there. */
export const defaultChunkSeconds = 64;

/** The chunk length for READY, or null for one single pass: the video's override, else the length policy. Pure. */
export function chunkLengthFor(durationSeconds: number, override: number | undefined): number | null {
  if (override !== undefined) return override > 0 && durationSeconds > override ? override : null;
  return durationSeconds > chunkThresholdSeconds ? defaultChunkSeconds : null;
}
