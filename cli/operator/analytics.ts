import type { Command } from 'commander';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine } from '../lib/output.ts';

interface RestoredDay {
  day: string;
  bucket: string;
  key: string;
  restored: number;
  archived: number | null;
}

/** `vora analytics restore --day YYYY-MM-DD`: brings an archived (dropped) day of playback events back. */
export function registerAnalyticsCommand(program: Command): void {
  const analytics = program.command('analytics').description('playback analytics housekeeping (archived days)');
  analytics
    .command('restore')
    .description('re-import a day that retention archived to MinIO and dropped (needs an admin token)')
    .requiredOption('--day <YYYY-MM-DD>', 'the UTC day to restore')
    .option('--json', 'print JSON')
    .action(async (options: { day: string; json?: boolean }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.day)) throw new CliError(`--day ${JSON.stringify(options.day)} is not a day: use YYYY-MM-DD`);
      const restored = await originClient(loadCliConfig()).request<RestoredDay>('POST', '/v1/analytics/archive/restore', { day: options.day });
      if (options.json) return printJson(restored);
      const check = restored.archived === null ? '' : restored.archived === restored.restored ? ' (as archived)' : ` (the archive says ${restored.archived})`;
      printLine(`restored ${restored.restored} events of ${restored.day} from ${restored.bucket}/${restored.key}${check}`);
    });
}
