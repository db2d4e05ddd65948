import { rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { localContext, localStack, stackStatePath } from '../../stack/local-stack.ts';
import { formatMib, groupRssKib } from '../../stack/memory.ts';
import { repoRoot } from '../../stack/paths.ts';
import { provision } from '../../stack/provision.ts';
import { StackRunner, type ComponentState } from '../../stack/runner.ts';
import { formatTable } from '../lib/table.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

function statusLine(state: ComponentState): void {
  const name = state.spec.name.padEnd(10);
  if (state.status === 'starting') say(`  ${name} starting (pid ${state.pid ?? '…'})`);
  if (state.status === 'ready') say(`  ${name} ready in ${((state.readyMs ?? 0) / 1000).toFixed(1)} s`);
  if (state.status === 'failed') say(`  ${name} FAILED: ${state.error?.split('\n')[0]}`);
}

async function readinessTable(runner: StackRunner): Promise<string> {
  const states = [...runner.states.values()];
  const rss = await groupRssKib(states.flatMap((s) => (s.pid ? [s.pid] : [])));
  const rows = states.map((s) => [
    s.spec.name,
    s.spec.url,
    s.status,
    s.readyMs === undefined ? '' : `${(s.readyMs / 1000).toFixed(1)} s`,
    s.pid ? formatMib(rss.get(s.pid) ?? 0) : '',
    relative(repoRoot, s.logPath) || s.logPath,
  ]);
  const total = [...rss.values()].reduce((a, b) => a + b, 0);
  return `${formatTable(['component', 'url', 'status', 'ready in', 'memory', 'log'], rows)}\n\nwhole stack: ${formatMib(total)} resident`;
}

/** `vora dev` (= `npm start`): provision, start every component, print the table, stop on Ctrl-C. */
export async function devCommand(): Promise<void> {
  const started = performance.now();
  say('vora: provisioning tools (cached under ~/.cache/vora)');
  const provisionSeconds = await provision((line) => say(`  ${line}`));
  say(`  provisioning took ${provisionSeconds.toFixed(1)} s`);

  const ctx = await localContext();
  const runner = new StackRunner(localStack(ctx), ctx.logDir, { onStatus: statusLine });
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`\nvora: ${reason} — stopping ${runner.pids().length} processes`);
    await runner.stop();
    await rm(stackStatePath(ctx), { force: true });
    say('vora: stopped; nothing left running');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('interrupted', 0));
  process.on('SIGTERM', () => void stop('terminated', 0));

  say(`vora: starting the local stack (data in ${relative(repoRoot, ctx.dataDir) || ctx.dataDir})`);
  const t0 = performance.now();
  try {
    await runner.start();
  } catch (error) {
    say(`\n${(error as Error).message}`);
    await stop('a component failed to start', 1);
    return;
  }
  const readySeconds = (performance.now() - t0) / 1000;
  await writeFile(
    stackStatePath(ctx),
    JSON.stringify({ pid: process.pid, ports: ctx.ports, components: [...runner.states.values()].map((s) => ({ name: s.spec.name, url: s.spec.url, pid: s.pid })) }, null, 2),
  );
  say(`\n${await readinessTable(runner)}`);
  say(`\nvora: all green in ${readySeconds.toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s with provisioning check)`);
  say(`  operator API token: .vora/secrets.json (apiToken) — the vora CLI reads it`);
  say('  press Ctrl-C to stop everything');
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('start the whole local stack in the foreground (npm start); Ctrl-C stops it')
    .action(devCommand);
}
