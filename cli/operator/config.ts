import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine } from '../lib/output.ts';

interface ChannelConfigView {
  hash: string;
  rootHash: string;
  config: unknown;
}

/** A JSON Patch given inline or as @file. */
function readPatch(argument: string): unknown {
  const text = argument.startsWith('@') ? readFileSync(argument.slice(1), 'utf8') : argument;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`the patch is not JSON (${(error as Error).message}): give an RFC 6902 array, e.g. '[{"op":"replace","path":"/chat/slowModeSeconds","value":5}]'`);
  }
}

/** `vora config show CHANNEL` and `vora config patch CHANNEL PATCH [--base HASH]`. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('channel configuration (a hash chain of JSON Patches)');

  config
    .command('show')
    .argument('<channel>', 'channel id')
    .option('--json', 'print JSON')
    .description('the channel’s configuration and the hash it is at')
    .action(async (channel: string, options: { json?: boolean }) => {
      const view = await originClient(loadCliConfig()).request<ChannelConfigView>('GET', `/v1/channels/${encodeURIComponent(channel)}/config`);
      if (options.json) return printJson(view);
      printLine(`hash ${view.hash} (root ${view.rootHash})`);
      printLine(JSON.stringify(view.config, null, 2));
    });

  config
    .command('patch')
    .argument('<channel>', 'channel id')
    .argument('<patch>', 'RFC 6902 JSON Patch, inline or @file.json')
    .option('--base <hash>', 'the hash the patch applies to (default: the latest, read first)')
    .option('--json', 'print JSON')
    .description('apply a JSON Patch; refused if --base is not the latest hash')
    .action(async (channel: string, patchArgument: string, options: { base?: string; json?: boolean }) => {
      const client = originClient(loadCliConfig());
      const path = `/v1/channels/${encodeURIComponent(channel)}/config`;
      const base = options.base ?? (await client.request<ChannelConfigView>('GET', path)).hash;
      const answer = await client.request<{ hash: string }>('PATCH', path, { base, patch: readPatch(patchArgument) });
      if (options.json) printJson({ base, ...answer });
      else printLine(`configuration of ${channel} is now at ${answer.hash}`);
    });
}
