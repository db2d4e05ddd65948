/**
 * Whether a component grew during a soak, from its samples: growth from the end of the warm-up to the end of the
 * load, against a noise floor (a JVM heap or a cache breathes; a leak keeps climbing). Pure.
 */
export interface Point {
  /** ms since the load started. */
  at: number;
  value: number;
}

export interface Growth {
  start: number;
  warm: number;
  end: number;
  max: number;
  /** end − warm. */
  growth: number;
  /** Least-squares slope over the samples from the warm-up on, per hour. */
  slopePerHour: number;
  noise: number;
  beyondNoise: boolean;
}

/** RSS (MiB): 5 % of the warm value, at least 16 MiB. */
export const rssNoiseMiB = (warm: number) => Math.max(16, 0.05 * warm);
/** Open file descriptors: 5 % of the warm count, at least 8. */
export const fdNoise = (warm: number) => Math.max(8, 0.05 * warm);

/** Least-squares slope of value over time, per hour (0 with fewer than two points). */
export function slopePerHour(points: Point[]): number {
  if (points.length < 2) return 0;
  const meanAt = points.reduce((sum, p) => sum + p.at, 0) / points.length;
  const meanValue = points.reduce((sum, p) => sum + p.value, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.at - meanAt) * (p.value - meanValue);
    variance += (p.at - meanAt) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 3_600_000;
}

/**
 * `points` in time order, the first taken before the load; `warmAt` is when the warm-up ended (the first point at
 * or after it is the warm value); the last point is the end of the load.
 */
export function judgeGrowth(points: Point[], warmAt: number, noiseOf: (warm: number) => number): Growth {
  if (points.length === 0) throw new Error('no samples to judge');
  const measured = points.filter((p) => p.at >= warmAt);
  const warm = (measured[0] ?? points.at(-1)!).value;
  const end = points.at(-1)!.value;
  const noise = noiseOf(warm);
  return {
    start: points[0]!.value,
    warm,
    end,
    max: Math.max(...points.map((p) => p.value)),
    growth: end - warm,
    slopePerHour: slopePerHour(measured),
    noise,
    beyondNoise: end - warm > noise,
  };
}
