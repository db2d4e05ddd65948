/**
 * Restarts the stack's Temporal dev server the way an operator would: stop it (SIGTERM to its group),
 * then (at once, or after an outage the test fills) start the same command on the same ports and SQLite file. The stack runner has no restart, so
 * the new process is ours: `stop()` ends it by PID.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { stackContext } from '../../../stack/component.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { groupAlive, stopProcessGroup } from '../../../stack/process-group.ts';
import type { DevStack } from '../../support/dev-stack.ts';
import { waitFor } from '../../support/wait.ts';

export interface RestartedTemporal {
  pid: number;
  /** From SIGTERM to the new server answering its probe, ms. */
  downMs: number;
  stop(): Promise<void>;
}

/** Temporal stopped; `bringBack()` starts the same server again on the same ports and SQLite file. */
export interface TemporalOutage {
  stoppedAt: number;
  bringBack(): Promise<RestartedTemporal>;
}

/** Stops the stack's Temporal (or the process that replaced it, `pid`) the way an operator would: SIGTERM to its group. */
export async function stopTemporal(stack: DevStack, pid = stack.pids.temporal!): Promise<TemporalOutage> {
  const spec = temporalComponent(stackContext(stack.ports, stack.secrets, stack.home));
  const stoppedAt = Date.now();
  await stopProcessGroup(pid, 15_000);
  return {
    stoppedAt,
    async bringBack() {
      const { cmd, args, env } = await spec.command();
      const log = openSync(join(stack.home, 'logs', 'temporal-restarted.log'), 'a');
      const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', log, log] });
      const newPid = child.pid!;
      try {
        await waitFor(async () => (await spec.probe(), true), { what: 'the restarted Temporal dev server to answer', timeoutMs: spec.readyTimeoutMs ?? 30_000, everyMs: 250, retryErrors: true });
      } catch (error) {
        await stopProcessGroup(newPid, 5_000);
        throw error;
      }
      return { pid: newPid, downMs: Date.now() - stoppedAt, stop: () => (groupAlive(newPid) ? stopProcessGroup(newPid, 10_000) : Promise.resolve()) };
    },
  };
}

export async function restartTemporal(stack: DevStack, pid = stack.pids.temporal!): Promise<RestartedTemporal> {
  return (await stopTemporal(stack, pid)).bringBack();
}
