import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { progressReader, type FfmpegProgress } from './progress.ts';

export type FfmpegRun = { kind: 'exited'; exitCode: number; stderrTail: string } | { kind: 'could-not-run'; message: string } | { kind: 'aborted' };

export interface RunFfmpegOptions {
  ffmpegPath: string;
  args: string[];
  onProgress?: (progress: FfmpegProgress) => void;
  /** Kills FFmpeg (SIGKILL) when aborted: a cancelled activity leaves no encoder running. */
  signal?: AbortSignal;
}

/** The only place that spawns FFmpeg; reports the outcome as a value, the caller decides what is retryable. */
export function runFfmpeg(options: RunFfmpegOptions): Promise<FfmpegRun> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ kind: 'aborted' });
    const child = spawn(options.ffmpegPath, options.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const readProgress = progressReader((progress) => options.onProgress?.(progress));
    createInterface({ input: child.stdout }).on('line', readProgress);
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 20) stderr.shift();
    });
    child.once('error', (error) => resolve({ kind: 'could-not-run', message: error.message }));
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return resolve({ kind: 'aborted' });
      resolve({ kind: 'exited', exitCode: code ?? -1, stderrTail: stderr.join('\n') });
    });
  });
}
