import { execFile } from 'node:child_process';

export type FfprobeRun =
  | { kind: 'exited'; exitCode: number; stdout: string; stderr: string }
  | { kind: 'could-not-run'; message: string }
  | { kind: 'timed-out'; afterMs: number };

/** Runs ffprobe and reports what happened as a value; the caller decides what is retryable. */
export function runFfprobe(ffprobePath: string, args: string[], timeoutMs: number): Promise<FfprobeRun> {
  return new Promise((resolve) => {
    execFile(ffprobePath, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ kind: 'exited', exitCode: 0, stdout, stderr });
      const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
      if (failure.killed) return resolve({ kind: 'timed-out', afterMs: timeoutMs });
      if (typeof failure.code === 'number') return resolve({ kind: 'exited', exitCode: failure.code, stdout, stderr });
      resolve({ kind: 'could-not-run', message: failure.message });
    });
  });
}
