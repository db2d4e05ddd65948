/** The operator CLI as `node bin/vora.js …` child processes, against the API stack (`api-stack.ts`) and an in-process origin. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../stack/paths.ts';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `vora ARGS` with only the given environment on top of PATH (no developer settings leak in). */
export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(repoRoot, 'bin/vora.js'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `vora ARGS` to the end (killed after `timeoutMs`) and collects its output. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliRun> {
  const startedAt = Date.now();
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - startedAt });
    });
  });
}

/** Resolves with the first stderr/stdout line that `match` accepts; rejects when the child ends or time runs out. */
export function waitForLine(child: ChildProcess, stream: 'stdout' | 'stderr', match: (line: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const seen: string[] = [];
    // The other stream says why the CLI stopped (its one-line error goes to stderr).
    const other = stream === 'stdout' ? 'stderr' : 'stdout';
    let otherText = '';
    child[other]!.on('data', (chunk: Buffer) => (otherText += chunk.toString()));
    const timer = setTimeout(() => reject(new Error(`no matching ${stream} line within ${timeoutMs} ms; saw: ${seen.join(' | ')}`)), timeoutMs);
    child[stream]!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        seen.push(line);
        if (match(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI ended (exit ${code}) before a matching ${stream} line; saw: ${seen.join(' | ')}; ${other}: ${otherText.trim().slice(-2000)}`));
    });
  });
}
