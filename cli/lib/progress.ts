import { bar, formatBytes, formatRate, formatSeconds } from './units.ts';

/** One reading of a transfer: what is done, of how much, since when (ms clock). */
export interface TransferSample {
  sent: number;
  total: number;
  /** Bytes already on the server when this run started (a resumed upload): not counted in the rate. */
  startOffset: number;
  startedAtMs: number;
  nowMs: number;
}

export interface TransferFigures {
  fraction: number;
  bytesPerSecond: number;
  /** Seconds left at the current rate; null before any rate is known. */
  etaSeconds: number | null;
}

/** Pure: progress fraction, average rate of this run, and time left. */
export function transferFigures(sample: TransferSample): TransferFigures {
  const elapsed = (sample.nowMs - sample.startedAtMs) / 1000;
  const movedThisRun = Math.max(0, sample.sent - sample.startOffset);
  const bytesPerSecond = elapsed > 0 ? movedThisRun / elapsed : 0;
  const left = Math.max(0, sample.total - sample.sent);
  return {
    fraction: sample.total > 0 ? sample.sent / sample.total : 1,
    bytesPerSecond,
    etaSeconds: bytesPerSecond > 0 ? left / bytesPerSecond : left === 0 ? 0 : null,
  };
}

const percent = (fraction: number) => `${Math.floor(fraction * 100)}%`;

/** Pure: the redrawn TTY line, e.g. "[#####-----]  50%  10.0 MiB / 20.0 MiB  4.1 MiB/s  ETA 2s". */
export function progressBarLine(sample: TransferSample, width = 24): string {
  const figures = transferFigures(sample);
  const eta = figures.etaSeconds === null ? 'ETA --' : `ETA ${formatSeconds(figures.etaSeconds)}`;
  return `${bar(figures.fraction, width)} ${percent(figures.fraction).padStart(4)}  ${formatBytes(sample.sent)} / ${formatBytes(sample.total)}  ${formatRate(figures.bytesPerSecond)}  ${eta}`;
}

/** Pure: the periodic plain line for logs and pipes, e.g. "uploaded 10.0 MiB of 20.0 MiB (50%) at 4.1 MiB/s, 2s left". */
export function progressPlainLine(sample: TransferSample): string {
  const figures = transferFigures(sample);
  const left = figures.etaSeconds === null ? '' : `, ${formatSeconds(figures.etaSeconds)} left`;
  return `uploaded ${formatBytes(sample.sent)} of ${formatBytes(sample.total)} (${percent(figures.fraction)}) at ${formatRate(figures.bytesPerSecond)}${left}`;
}

export interface ProgressReporter {
  update(sent: number): void;
  /** Clears the bar (TTY) so the next line starts clean. */
  finish(): void;
}

interface ReporterOptions {
  total: number;
  startOffset: number;
  /** A bar redrawn in place when true; plain lines at most every `intervalMs` otherwise (and the first at once). */
  tty: boolean;
  write: (text: string) => void;
  now?: () => number;
  intervalMs?: number;
  columns?: number;
}

/** Progress on stderr: a bar on a terminal, a line per interval in logs. */
export function progressReporter(options: ReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const interval = options.intervalMs ?? (options.tty ? 100 : 1_000);
  let lastAt = -Infinity;
  let drawn = false;
  const sample = (sent: number): TransferSample => ({ sent, total: options.total, startOffset: options.startOffset, startedAtMs, nowMs: now() });
  return {
    update(sent) {
      const at = now();
      if (at - lastAt < interval && sent < options.total) return;
      lastAt = at;
      if (options.tty) {
        const width = Math.max(10, Math.min(30, (options.columns ?? 80) - 60));
        options.write(`\r${progressBarLine(sample(sent), width)}\x1b[K`);
        drawn = true;
      } else {
        options.write(`${progressPlainLine(sample(sent))}\n`);
      }
    },
    finish() {
      if (drawn) options.write('\r\x1b[K');
    },
  };
}
