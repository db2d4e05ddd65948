/** What one `-progress` block says: how far the output is, and whether FFmpeg finished. */
export interface FfmpegProgress {
  outTimeSeconds: number;
  done: boolean;
}

/**
 * Reads FFmpeg's `-progress pipe:1` key=value lines; calls `onProgress` at the end of each block
 * (`progress=continue|end`). Returns a line handler. Pure apart from the callback.
 */
export function progressReader(onProgress: (progress: FfmpegProgress) => void): (line: string) => void {
  let outTimeUs = 0;
  return (line) => {
    const separator = line.indexOf('=');
    if (separator < 0) return;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    // `out_time_us` is microseconds; ffmpeg ≤ 5 also prints `out_time_ms`, in microseconds as well (a known misnomer).
    if (key === 'out_time_us' || key === 'out_time_ms') {
      const parsed = Number(value);
      if (Number.isFinite(parsed) && parsed >= 0) outTimeUs = Math.max(outTimeUs, parsed);
    } else if (key === 'progress') {
      onProgress({ outTimeSeconds: outTimeUs / 1_000_000, done: value === 'end' });
    }
  };
}

/** Fraction 0..1 of a run over `durationSeconds`, mapped into the span [from, to] of the whole job. */
export function spanProgress(outTimeSeconds: number, durationSeconds: number, span: [number, number]): number {
  const fraction = durationSeconds > 0 ? Math.min(1, Math.max(0, outTimeSeconds / durationSeconds)) : 0;
  return span[0] + (span[1] - span[0]) * fraction;
}
