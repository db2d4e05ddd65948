/** The `vora` CLI: operator commands against the origin, and the local stack's developer commands. */
import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.ts';
import { registerConfigCommand } from './commands/config.ts';
import { registerRoomsCommand } from './commands/rooms.ts';
import { registerStatsCommand } from './commands/stats.ts';
import { devCommand } from './commands/dev.ts';
import { doctorCommand } from './commands/doctor.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerNodesCommand } from './commands/nodes.ts';
import { registerSignCommand } from './commands/sign.ts';
import { testCommand, testTiers, type TestTier } from './commands/test.ts';
import { registerUploadCommand } from './commands/upload.ts';
import { registerVideosCommand } from './commands/videos.ts';
import { describeError } from './lib/errors.ts';
import { provision } from '../../stack/provision.ts';

const program = new Command('vora')
  .description('Vora: edge-first video platform — operator and developer CLI')
  .option('--verbose', 'print stack traces with errors');

// Operator commands against the running stack (origin API, edge registry, Kafka).
registerUploadCommand(program);
registerVideosCommand(program);
registerSignCommand(program);
registerKeysCommand(program);
registerNodesCommand(program);
registerEventsCommand(program);

program
  .command('dev')
  .description('start the whole local stack in the foreground (npm start); Ctrl-C stops it')
  .action(devCommand);

program
  .command('doctor')
  .description('check every tool and component: found / version / missing and the fix')
  .action(async () => {
    process.exitCode = (await doctorCommand()) ? 0 : 1;
  });

program
  .command('provision')
  .description('install the servers the stack needs into ~/.cache/vora (idempotent)')
  .action(async () => {
    const seconds = await provision((line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`provisioning took ${seconds.toFixed(1)} s\n`);
  });

program
  .command('test')
  .argument('[tiers...]', `tiers to run (${testTiers.join(', ')}); all when none`)
  .description('typecheck, provision, and run the test tiers (npm test)')
  .action(async (tiers: string[]) => {
    const unknown = tiers.filter((tier) => !(testTiers as readonly string[]).includes(tier));
    if (unknown.length > 0) throw new Error(`unknown test tier ${unknown.join(', ')}: choose from ${testTiers.join(', ')}`);
    process.exitCode = await testCommand(tiers.length > 0 ? (tiers as TestTier[]) : [...testTiers]);
  });

registerBenchCommand(program);
registerRoomsCommand(program);
registerConfigCommand(program);
registerStatsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const verbose = program.opts<{ verbose?: boolean }>().verbose;
  process.stderr.write(`vora: ${describeError(error, Boolean(verbose))}\n`);
  process.exit(1);
}
