/**
 * The operator CLI against a real stack: MinIO, Temporal and Kafka by the stack's runner on ports
 * shifted by 18000 (MinIO 27000/27001, Kafka 27092/27093, Temporal 25233 + 25243/25244, UI 26233),
 * clear of the defaults and of every other test's offsets (10000-15000 reach at most 24229); the
 * origin in-process on an OS-chosen port; the CLI itself as `node bin/vora.js …` child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { shiftedPorts, type StackPorts } from '../../../contracts/local-ports.ts';
import { temporalExtraPorts } from '../../../stack/components/temporal.ts';
import { repoRoot } from '../../../stack/paths.ts';
import { startApiStack, type ApiStack } from './api-stack.ts';

export const cliStackOffset = 18000;

/** Every port the stack opens, checked to be valid and distinct before anything starts. */
export function cliStackPorts(): StackPorts {
  const ports = shiftedPorts(cliStackOffset);
  const all = [...Object.values(ports).flat(), ...Object.values(temporalExtraPorts(ports.temporal))] as number[];
  const bad = all.filter((port) => port >= 65536);
  if (bad.length > 0) throw new Error(`cli stack ports out of range: ${bad.join(', ')}`);
  if (new Set(all).size !== all.length) throw new Error(`cli stack ports collide: ${all.join(', ')}`);
  return ports;
}

export function startCliStack(): Promise<ApiStack> {
  return startApiStack({ ports: cliStackPorts() });
}

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
      reject(new Error(`the CLI ended (exit ${code}) before a matching ${stream} line; saw: ${seen.join(' | ')}`));
    });
  });
}
