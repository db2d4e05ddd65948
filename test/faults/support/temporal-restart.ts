/**
 * Restarts the stack's Temporal dev server the way an operator would: stop it (SIGTERM to its group),
 * then start the same command on the same ports and SQLite file. The stack runner has no restart, so
 * the new process is ours: `stop()` ends it by PID.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { stackContext } from '../../../stack/component.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { groupAlive, stopProcessGroup } from '../../../stack/process-group.ts';
import type { DevStack } from '../../e2e/support/dev-stack.ts';
import { waitFor } from './fault-log.ts';

export interface RestartedTemporal {
  pid: number;
  /** From SIGTERM to the new server answering its probe, ms. */
  downMs: number;
  stop(): Promise<void>;
}

export async function restartTemporal(stack: DevStack): Promise<RestartedTemporal> {
  const spec = temporalComponent(stackContext(stack.ports, stack.secrets, stack.home));
  const stopped = Date.now();
  await stopProcessGroup(stack.pids.temporal!, 15_000);
  const { cmd, args, env } = await spec.command();
  const log = openSync(join(stack.home, 'logs', 'temporal-restarted.log'), 'a');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', log, log] });
  const pid = child.pid!;
  try {
    await waitFor('the restarted Temporal dev server to answer', async () => (await spec.probe(), true), spec.readyTimeoutMs ?? 30_000, 250);
  } catch (error) {
    await stopProcessGroup(pid, 5_000);
    throw error;
  }
  return { pid, downMs: Date.now() - stopped, stop: () => (groupAlive(pid) ? stopProcessGroup(pid, 10_000) : Promise.resolve()) };
}
