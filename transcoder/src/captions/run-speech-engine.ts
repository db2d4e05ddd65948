import { spawn } from 'node:child_process';
import { renice } from '../ffmpeg/run-ffmpeg.ts';
import { limitedCommand, limitHit, type ResourceLimits } from '../ffmpeg/resource-limits.ts';
import type { SpeechEngine } from './speech-engines.ts';
import type { TimedWord } from './timed-words.ts';

/** Words printed by an engine stay far below this (a word line is ~50 bytes): more means something else is talking. */
const MAX_STDOUT_BYTES = 64 * 1024 * 1024;

export type EngineRun = { kind: 'words'; words: TimedWord[] } | { kind: 'failed'; reason: string } | { kind: 'aborted' };

export interface RunSpeechEngineOptions {
  engine: SpeechEngine;
  audioPath: string;
  language: string;
  signal?: AbortSignal;
  niceness?: number;
  limits?: ResourceLimits;
  /** Every stdout chunk as it comes (faster-whisper prints each word as it is decided: progress for heartbeats). */
  onOutput?: (chunk: string) => void;
}

/** Runs one engine on one audio file; the outcome is a value (the caller decides what is retried). */
export function runSpeechEngine(options: RunSpeechEngineOptions): Promise<EngineRun> {
  const { engine } = options;
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ kind: 'aborted' });
    const planned = engine.command(options.audioPath, options.language);
    const { command, args } = limitedCommand(planned.command, planned.args, options.limits);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HF_HUB_OFFLINE: '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' } });
    if (child.pid !== undefined && options.niceness) renice(child.pid, options.niceness);
    const stdout: string[] = [];
    let stdoutBytes = 0;
    let stderrTail = '';
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) child.kill('SIGKILL');
      else stdout.push(chunk);
      options.onOutput?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
    });
    const couldNotRun = (message: string): EngineRun => ({
      kind: 'failed', reason: `${engine.name} could not run at "${planned.command}" (${message}) — install it (\`npm start\` provisions it; \`npx vora doctor\` checks it)`,
    });
    child.once('error', (error) => resolve(couldNotRun(error.message)));
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return resolve({ kind: 'aborted' });
      if (stdoutBytes > MAX_STDOUT_BYTES) return resolve({ kind: 'failed', reason: `${engine.name} printed more than ${MAX_STDOUT_BYTES} bytes; stopped` });
      const limit = limitHit({ signal, stderr: stderrTail, exitCode: code ?? undefined }, options.limits ?? {});
      if (limit) return resolve({ kind: 'failed', reason: `${engine.name} ${limit.text}${limit.limit === 'memory' ? ' (CAPTIONS_ENGINE_MEMORY_MB raises it)' : ''}` });
      // Under prlimit a missing program is prlimit's exit 127, not a spawn error.
      const notExecuted = code === 127 ? /prlimit: failed to execute [^:]*: (.*)/.exec(stderrTail) : null;
      if (notExecuted) return resolve(couldNotRun(notExecuted[1]!.trim()));
      if (code !== 0) {
        const lastWords = stderrTail.trim().split('\n').slice(-3).join(' | ');
        return resolve({ kind: 'failed', reason: `${engine.name} exited with ${code ?? signal}: ${lastWords || 'no message'}` });
      }
      const parsed = engine.parse(stdout.join(''));
      resolve(parsed.ok ? { kind: 'words', words: parsed.words } : { kind: 'failed', reason: parsed.error });
    });
  });
}
