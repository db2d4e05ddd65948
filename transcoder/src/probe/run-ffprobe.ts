import { execFile } from 'node:child_process';
import { limitedCommand, type ResourceLimits } from '../ffmpeg/resource-limits.ts';

export type FfprobeRun =
  | { kind: 'exited'; exitCode: number; stdout: string; stderr: string; signal?: string }
  | { kind: 'could-not-run'; message: string }
  | { kind: 'timed-out'; afterMs: number }
  /** It printed more than `maxOutputBytes`: thousands of streams or megabytes of metadata. */
  | { kind: 'too-much-output'; maxOutputBytes: number };

/** What ffprobe may print about one source; far above any real file (a 30 s packet scan of a 4K source is ~1 MiB). */
export const ffprobeMaxOutputBytes = 32 * 1024 * 1024;

/** Runs ffprobe (under `limits`, killed after `timeoutMs`) and reports what happened as a value; the caller decides what is retryable. */
export function runFfprobe(ffprobePath: string, args: string[], timeoutMs: number, limits: ResourceLimits = {}): Promise<FfprobeRun> {
  const command = limitedCommand(ffprobePath, args, limits);
  return new Promise((resolve) => {
    execFile(command.command, command.args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: ffprobeMaxOutputBytes }, (error, stdout, stderr) => {
      if (!error) return resolve({ kind: 'exited', exitCode: 0, stdout, stderr });
      const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string | null };
      if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ kind: 'too-much-output', maxOutputBytes: ffprobeMaxOutputBytes });
      if (failure.killed) return resolve({ kind: 'timed-out', afterMs: timeoutMs });
      if (typeof failure.code === 'number') return resolve({ kind: 'exited', exitCode: failure.code, stdout, stderr });
      if (failure.signal) return resolve({ kind: 'exited', exitCode: -1, stdout, stderr, signal: failure.signal });
      resolve({ kind: 'could-not-run', message: failure.message });
    });
  });
}
