/**
 * Whether a component grew during a soak, from its samples: growth from the end of the warm-up to the end of the
 * load, and the trend of the last half, against a noise floor (a JVM heap or a cache grows to its size and breathes
 * there; a leak keeps climbing). Pure.
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
  /** The growth over the second half of the measured samples (its Theil–Sen slope × that span): a leak keeps it up, a heap or cache that settled does not. */
  lastHalfGrowth: number;
  noise: number;
  /** `grows`: still climbing beyond noise in the last half; `settled`: grew beyond noise after the warm-up, flat since; `flat`. */
  verdict: 'grows' | 'settled' | 'flat';
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

/** Theil–Sen slope per hour: the median of the slopes between every two points, so one spike (a merge's files open for a moment) does not make a trend. */
export function robustSlopePerHour(points: Point[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i += 1) {
    for (let j = i + 1; j < points.length; j += 1) {
      if (points[j]!.at !== points[i]!.at) slopes.push((points[j]!.value - points[i]!.value) / (points[j]!.at - points[i]!.at));
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const middle = Math.floor(slopes.length / 2);
  const median = slopes.length % 2 === 1 ? slopes[middle]! : (slopes[middle - 1]! + slopes[middle]!) / 2;
  return median * 3_600_000;
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
  const lastAt = points.at(-1)!.at;
  const halfAt = (measured[0]?.at ?? lastAt) + (lastAt - (measured[0]?.at ?? lastAt)) / 2;
  const lastHalf = measured.filter((p) => p.at >= halfAt);
  const lastHalfGrowth = (robustSlopePerHour(lastHalf) * (lastAt - halfAt)) / 3_600_000;
  const verdict = lastHalfGrowth > noise ? 'grows' : end - warm > noise ? 'settled' : 'flat';
  return {
    start: points[0]!.value,
    warm,
    end,
    max: Math.max(...points.map((p) => p.value)),
    growth: end - warm,
    slopePerHour: slopePerHour(measured),
    lastHalfGrowth,
    noise,
    verdict,
    beyondNoise: end - warm > noise,
  };
}
