import type { Command } from 'commander';
import { provision } from '../../stack/provision.ts';

/** `vora provision` (= `npm run provision`): installs every missing tool, idempotent. */
export function registerProvisionCommand(program: Command): void {
  program
    .command('provision')
    .description('install the servers the stack needs into ~/.cache/vora (idempotent)')
    .action(async () => {
      const seconds = await provision((line) => process.stdout.write(`${line}\n`));
      process.stdout.write(`provisioning took ${seconds.toFixed(1)} s\n`);
    });
}
