/**
 * The `vora` CLI: operator commands against a running stack (`operator/`: HTTP to the origin, Kafka tail)
 * and the local stack's developer commands (`dev/`: the only ones that import `stack/` and `bench/`).
 */
import { Command } from 'commander';
import { registerBenchCommand } from './dev/bench.ts';
import { registerDevCommand } from './dev/dev.ts';
import { registerDoctorCommand } from './dev/doctor.ts';
import { registerProvisionCommand } from './dev/provision.ts';
import { registerTestCommand } from './dev/test.ts';
import { describeError } from './lib/errors.ts';
import { registerAnalyticsCommand } from './operator/analytics.ts';
import { registerCaptionsCommand } from './operator/captions.ts';
import { registerChannelsCommand } from './operator/channels.ts';
import { registerConfigCommand } from './operator/config.ts';
import { registerEventsCommand } from './operator/events.ts';
import { registerKeysCommand } from './operator/keys.ts';
import { registerLiveCommand } from './operator/live.ts';
import { registerNodesCommand } from './operator/nodes.ts';
import { registerRoomsCommand } from './operator/rooms.ts';
import { registerSecretsCommand } from './operator/secrets.ts';
import { registerSignCommand } from './operator/sign.ts';
import { registerStatsCommand } from './operator/stats.ts';
import { registerTokensCommand } from './operator/tokens.ts';
import { registerUploadCommand } from './operator/upload.ts';
import { registerVideosCommand } from './operator/videos.ts';
import { registerWebhooksCommand } from './operator/webhooks.ts';

const program = new Command('vora')
  .description('Vora: edge-first video platform — operator and developer CLI')
  .option('--verbose', 'print stack traces with errors');

// Operator commands against the running stack (origin API, Kafka).
registerUploadCommand(program);
registerVideosCommand(program);
registerCaptionsCommand(program);
registerSignCommand(program);
registerKeysCommand(program);
registerNodesCommand(program);
registerEventsCommand(program);
registerRoomsCommand(program);
registerChannelsCommand(program);
registerConfigCommand(program);
registerStatsCommand(program);
registerAnalyticsCommand(program);
registerLiveCommand(program);
registerWebhooksCommand(program);
registerTokensCommand(program);
registerSecretsCommand(program);

// Developer commands: the local stack, its tests and benchmarks.
registerDevCommand(program);
registerDoctorCommand(program);
registerProvisionCommand(program);
registerTestCommand(program);
registerBenchCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const verbose = program.opts<{ verbose?: boolean }>().verbose;
  process.stderr.write(`vora: ${describeError(error, Boolean(verbose))}\n`);
  process.exit(1);
}
