import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { progressReader, type FfmpegProgress } from './progress.ts';
import { readFileSync } from 'node:fs';
import { cpuSecondsOfStat, limitedCommand, type ResourceLimits } from './resource-limits.ts';

// Under a CPU limit the process's CPU time is read this often, so its end can be told apart (resource-limits.ts).
const cpuWatchMs = 250;

/** Reads a running process's CPU seconds from /proc; undefined once it is gone (or where there is no /proc). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export type FfmpegRun =
  | { kind: 'exited'; exitCode: number; stderrTail: string; signal?: string; /** CPU seconds when last seen running, under a CPU limit. */ cpuSeconds?: number }
  | { kind: 'could-not-run'; message: string }
  | { kind: 'aborted' };

export interface RunFfmpegOptions {
  ffmpegPath: string;
  args: string[];
  onProgress?: (progress: FfmpegProgress) => void;
  /** Kills FFmpeg (SIGKILL) when aborted: a cancelled activity leaves no encoder running. */
  signal?: AbortSignal;
  /** Scheduling niceness (0–19): ladder work yields the CPU to the work that makes other videos PLAYABLE. */
  niceness?: number;
  /** The running process id, e.g. to lower its priority once it no longer races for PLAYABLE. */
  onSpawn?: (pid: number) => void;
  /** Every stderr line (the tail is kept for the result either way). */
  onStderrLine?: (line: string) => void;
  /** Memory and CPU limits of the process (`prlimit`); a process killed by one exits with its signal. */
  limits?: ResourceLimits;
}

/** Lowers a process's priority; best-effort (a process that already exited cannot be reniced, and that is fine). */
export function renice(pid: number, niceness: number): void {
  try {
    setPriority(pid, niceness);
  } catch {
    /* gone already */
  }
}

/** The only place that spawns FFmpeg; reports the outcome as a value, the caller decides what is retryable. */
export function runFfmpeg(options: RunFfmpegOptions): Promise<FfmpegRun> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ kind: 'aborted' });
    const { command, args } = limitedCommand(options.ffmpegPath, options.args, options.limits);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) {
      if (options.niceness) renice(child.pid, options.niceness);
      options.onSpawn?.(child.pid);
    }
    const stderr: string[] = [];
    let cpuSeconds: number | undefined;
    const watch = options.limits?.cpuSeconds && child.pid !== undefined
      ? setInterval(() => (cpuSeconds = cpuSecondsOf(child.pid!) ?? cpuSeconds), cpuWatchMs)
      : undefined;
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const readProgress = progressReader((progress) => options.onProgress?.(progress));
    createInterface({ input: child.stdout }).on('line', readProgress);
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 20) stderr.shift();
      options.onStderrLine?.(line);
    });
    child.once('error', (error) => {
      clearInterval(watch);
      resolve({ kind: 'could-not-run', message: error.message });
    });
    child.once('close', (code, signal) => {
      clearInterval(watch);
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return resolve({ kind: 'aborted' });
      resolve({ kind: 'exited', exitCode: code ?? -1, stderrTail: stderr.join('\n'), ...(signal ? { signal } : {}), ...(cpuSeconds === undefined ? {} : { cpuSeconds }) });
    });
  });
}
