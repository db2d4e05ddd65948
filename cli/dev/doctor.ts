import type { Command } from 'commander';
import { localContext, localStack } from '../../stack/local-stack.ts';
import { isPortFree } from '../../stack/ports.ts';
import { allTools, toolStatus } from '../../stack/provision.ts';
import { formatTable } from '../lib/table.ts';

/** `vora doctor`: every tool (found, version, or missing with the fix) and every component's port. */
export async function doctorCommand(): Promise<boolean> {
  const statuses = await Promise.all(allTools.map(toolStatus));
  const toolRows = statuses.map((s) => [
    s.tool.name,
    s.path ? (s.error ? 'broken' : 'found') : 'missing',
    s.version ?? '',
    s.path ? (s.error ?? s.path) : `fix: ${s.tool.fix} (or run \`npm run provision\`)`,
  ]);
  process.stdout.write(`${formatTable(['tool', 'status', 'version', 'where / fix'], toolRows)}\n\n`);

  const ctx = await localContext();
  const componentRows: string[][] = [];
  for (const spec of localStack(ctx)) {
    let state = 'not running';
    try {
      await spec.probe();
      state = 'running';
    } catch (error) {
      const taken = [];
      for (const port of spec.ports) if (!(await isPortFree(port))) taken.push(port);
      if (taken.length > 0) state = `port ${taken.join(', ')} taken, not answering: ${(error as Error).message}`;
    }
    componentRows.push([spec.name, spec.url, state]);
  }
  process.stdout.write(`${formatTable(['component', 'url', 'state'], componentRows)}\n`);
  return statuses.every((s) => s.path && !s.error);
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check every tool and component: found / version / missing and the fix')
    .action(async () => {
      process.exitCode = (await doctorCommand()) ? 0 : 1;
    });
}
