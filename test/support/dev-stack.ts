/** `npm start` as a newcomer runs it, on shifted ports and a temporary VORA_HOME, for e2e tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shiftedPorts, type StackPorts } from '../../contracts/local-ports.ts';
import { repoRoot } from '../../stack/paths.ts';
import type { StackSecrets } from '../../stack/secrets.ts';

export interface DevStack {
  ports: StackPorts;
  home: string;
  secrets: StackSecrets;
  /** Process-group leader of each component, by name, as `vora dev` recorded them. */
  pids: Record<string, number>;
  process: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Ctrl-C, then SIGKILL to anything left (by PID), then the temp dir goes. */
  stop(): Promise<void>;
}

export interface DevStackHooks {
  /** Extra environment for `vora dev`, which every component inherits (e.g. a transcoder setting under test). */
  env?: Record<string, string>;
  /** Runs on the fresh VORA_HOME before `vora dev` starts (e.g. a small filesystem mounted for MinIO's data). */
  beforeStart?(home: string): Promise<void>;
  /** Runs once every process is stopped, before VORA_HOME is removed (e.g. that filesystem unmounted). */
  beforeRemove?(home: string): Promise<void>;
}

export async function startDevStack(portOffset: number, readyTimeoutMs = 300_000, hooks: DevStackHooks = {}): Promise<DevStack> {
  const home = await mkdtemp(join(tmpdir(), 'vora-e2e-'));
  await hooks.beforeStart?.(home);
  let output = '';
  const child = spawn(process.execPath, [join(repoRoot, 'bin/vora.js'), 'dev'], {
    cwd: repoRoot,
    env: { ...process.env, ...hooks.env, VORA_HOME: home, VORA_PORT_OFFSET: String(portOffset) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (pattern.test(output)) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
          clearInterval(timer);
          reject(new Error(`no ${pattern} (vora dev ${child.exitCode === null ? 'still running' : `exited ${child.exitCode}`}):\n${output.slice(-3000)}`));
        }
      }, 200);
    });

  const stack: DevStack = {
    ports: shiftedPorts(portOffset),
    home,
    secrets: undefined as unknown as StackSecrets,
    pids: {},
    process: child,
    output: () => output,
    waitForOutput,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      for (const pid of Object.values(stack.pids)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone, as it should be */
        }
      }
      await hooks.beforeRemove?.(home);
      await rm(home, { recursive: true, force: true });
    },
  };
  try {
    await waitForOutput(/all green in/, readyTimeoutMs);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  stack.secrets = JSON.parse(await readFile(join(home, 'secrets.json'), 'utf8')) as StackSecrets;
  const state = JSON.parse(await readFile(join(home, 'stack.json'), 'utf8')) as { components: Array<{ name: string; pid: number }> };
  stack.pids = Object.fromEntries(state.components.map((c) => [c.name, c.pid]));
  return stack;
}

export function originUrl(stack: DevStack): string {
  return `http://127.0.0.1:${stack.ports.origin}`;
}

export function edgeUrl(stack: DevStack): string {
  return `http://127.0.0.1:${stack.ports.edge}`;
}
