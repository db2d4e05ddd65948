import { z } from 'zod';

/** Source-duration buckets of the published processing times (as Mux publishes them). */
export const DURATION_BUCKETS = ['0-1m', '1-5m', '5-20m', '20-60m', '60m+'] as const;
export const DurationBucket = z.enum([...DURATION_BUCKETS, 'all']);
export type DurationBucket = z.infer<typeof DurationBucket>;

/** `fast`: standard input published as it is (`src`); `encode`: a first rung encoded progressively; `all`: both. */
export const ProcessingPath = z.enum(['fast', 'encode', 'all']);
export type ProcessingPath = z.infer<typeof ProcessingPath>;

const Seconds = z.number().min(0).nullable();
const Percentiles = z.strictObject({ videos: z.number().int().min(0), median: Seconds, p95: Seconds });

/** One row: median and p95 seconds from the upload's last byte to PLAYABLE and to READY. */
export const ProcessingGroup = z.strictObject({
  durationBucket: DurationBucket,
  path: ProcessingPath,
  timeToPlayable: Percentiles,
  timeToReady: Percentiles,
});
export type ProcessingGroup = z.infer<typeof ProcessingGroup>;

/** `GET /v1/stats/processing?window=7d`: uploads finished inside the window, grouped by duration and path. */
export const ProcessingStats = z.strictObject({
  from: z.string(),
  to: z.string(),
  groups: z.array(ProcessingGroup),
});
export type ProcessingStats = z.infer<typeof ProcessingStats>;

/** The window of `GET /v1/stats/processing`: `30m`, `24h`, `7d`… up to a year. */
export const ProcessingWindow = z.string().regex(/^[1-9]\d{0,5}[mhd]$/, 'must be a duration like 30m, 24h or 7d');

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_PROCESSING_WINDOW_MS = 366 * 86_400_000;

/** `7d` → milliseconds. Pure; the caller has validated the text with `ProcessingWindow`. */
export function processingWindowMs(window: string): number {
  return Number(window.slice(0, -1)) * unitMs[window.at(-1) as keyof typeof unitMs];
}
