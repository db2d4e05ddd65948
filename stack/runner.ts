import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentSpec } from './component.ts';
import { assertPortsFree } from './ports.ts';
import { stopProcessGroup } from './process-group.ts';

export type ComponentStatus = 'starting' | 'ready' | 'failed' | 'stopped';

export interface ComponentState {
  spec: ComponentSpec;
  status: ComponentStatus;
  pid?: number;
  logPath: string;
  startedAt?: number;
  readyMs?: number;
  error?: string;
}

export interface RunnerEvents {
  onStatus?(state: ComponentState): void;
}

/**
 * Orders components so each starts after its dependencies; those of one wave start together.
 * A dependency that is not in `specs` is taken as already running elsewhere (a test's own server).
 */
export function startWaves(specs: ComponentSpec[]): ComponentSpec[][] {
  const names = new Set(specs.map((spec) => spec.name));
  const done = new Set<string>();
  const remaining = [...specs];
  const waves: ComponentSpec[][] = [];
  while (remaining.length > 0) {
    const wave = remaining.filter((spec) => (spec.dependsOn ?? []).every((dep) => done.has(dep) || !names.has(dep)));
    if (wave.length === 0) throw new Error(`unsatisfiable dependencies among ${remaining.map((s) => s.name).join(', ')}`);
    for (const spec of wave) {
      done.add(spec.name);
      remaining.splice(remaining.indexOf(spec), 1);
    }
    waves.push(wave);
  }
  return waves;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts components as child processes in their own process groups (so helpers they spawn, such as
 * wrangler's workerd, stop with them), waits for each probe, and stops everything by PID.
 */
export class StackRunner {
  readonly states = new Map<string, ComponentState>();
  private readonly children = new Map<string, ChildProcess>();
  private readonly logs: WriteStream[] = [];
  private stopping = false;

  constructor(private readonly specs: ComponentSpec[], private readonly logDir: string, private readonly events: RunnerEvents = {}) {
    for (const spec of specs) this.states.set(spec.name, { spec, status: 'starting', logPath: join(logDir, `${spec.name}.log`) });
  }

  /** Resolves when every component is ready; rejects with the first failure (the caller then calls stop()). */
  async start(): Promise<void> {
    await assertPortsFree(this.specs);
    await mkdir(this.logDir, { recursive: true });
    // Preparations overlap the dependencies' starts; a failed one is reported when its component's turn comes.
    const prepared = new Map(this.specs.map((spec) => [spec.name, spec.prepare?.()]));
    for (const promise of prepared.values()) promise?.catch(() => {});
    for (const wave of startWaves(this.specs)) await Promise.all(wave.map((spec) => this.startOne(spec, prepared.get(spec.name))));
  }

  private async startOne(spec: ComponentSpec, prepared?: Promise<void>): Promise<void> {
    const state = this.states.get(spec.name)!;
    state.startedAt = Date.now();
    try {
      await prepared;
      const { cmd, args, env, cwd } = await spec.command();
      const log = createWriteStream(state.logPath, { flags: 'a' });
      this.logs.push(log);
      log.write(`\n--- ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
      const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      this.children.set(spec.name, child);
      state.pid = child.pid;
      this.events.onStatus?.(state);
      child.on('exit', (code, signal) => {
        if (this.stopping || state.status !== 'ready') return;
        state.status = 'failed';
        state.error = `exited unexpectedly (${code ?? signal}); see ${state.logPath}`;
        this.events.onStatus?.(state);
      });
      await this.waitReady(spec, child);
      await spec.afterReady?.();
      state.status = 'ready';
      state.readyMs = Date.now() - state.startedAt;
      this.events.onStatus?.(state);
    } catch (error) {
      state.status = 'failed';
      state.error = (error as Error).message;
      this.events.onStatus?.(state);
      throw new Error(`${spec.name} did not start: ${state.error}\n  last lines of ${state.logPath}:\n${await this.logTail(state.logPath)}`);
    }
  }

  private async waitReady(spec: ComponentSpec, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
    let lastError = 'no answer yet';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      }
      try {
        await spec.probe();
        return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`not ready after ${Math.round((spec.readyTimeoutMs ?? 60_000) / 1000)} s (last probe: ${lastError})`);
  }

  private async logTail(path: string): Promise<string> {
    try {
      const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
      return lines.slice(-12).map((line) => `    ${line}`).join('\n');
    } catch {
      return '    (no log)';
    }
  }

  /** The PID (process group leader) of the named component, if it was started. */
  pidOf(name: string): number | undefined {
    return this.children.get(name)?.pid;
  }

  /** The PIDs of every process group we started (for a pid file and for leak checks). */
  pids(): number[] {
    return [...this.children.values()].flatMap((child) => (child.pid ? [child.pid] : []));
  }

  /**
   * Stops components wave by wave in reverse start order: SIGTERM (or the spec's stopSignal) to each group, SIGKILL
   * after `graceMs`. A wave's components never depend on each other, so they stop together: the slowest sets the pace.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const wave of startWaves(this.specs).reverse()) {
      await Promise.all(wave.map(async (spec) => {
        const child = this.children.get(spec.name);
        if (!child?.pid) return;
        await stopProcessGroup(child.pid, graceMs, spec.stopSignal);
        this.states.get(spec.name)!.status = 'stopped';
      }));
    }
    this.children.clear();
    await Promise.all(this.logs.map((log) => new Promise((resolve) => log.end(resolve))));
    this.logs.length = 0;
  }
}
