import type { Command } from 'commander';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine } from '../lib/output.ts';
import { parseDuration } from '../lib/units.ts';
import type { PlaybackToken } from '../lib/video-types.ts';

export interface SignOptions {
  ttl: string;
  country: string[];
  blockCountry: string[];
  ip: string[];
  maxHeight?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Pure: the body of POST /v1/videos/:id/token from the command's options, or a CliError naming the bad one. */
export function tokenRequestBody(options: SignOptions): Record<string, unknown> {
  const ttlSeconds = parseDuration(options.ttl);
  if (ttlSeconds === null || ttlSeconds < 10 || ttlSeconds > 7 * 86_400) throw new CliError(`--ttl ${JSON.stringify(options.ttl)} is not a duration between 10s and 7d: use e.g. 1h, 30m, 1h30m or 600`);
  const countries = (list: string[], flag: string) =>
    list.map((code) => {
      const upper = code.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(upper)) throw new CliError(`${flag} ${JSON.stringify(code)} is not a two-letter country code (ISO 3166-1), e.g. FR`);
      return upper;
    });
  let maxHeight: number | undefined;
  if (options.maxHeight !== undefined) {
    maxHeight = Number(options.maxHeight);
    if (!Number.isInteger(maxHeight) || maxHeight <= 0) throw new CliError(`--max-height ${JSON.stringify(options.maxHeight)} is not a positive whole number of pixels, e.g. 720`);
  }
  return {
    ttlSeconds,
    ...(options.country.length > 0 ? { countries: countries(options.country, '--country') } : {}),
    ...(options.blockCountry.length > 0 ? { blockedCountries: countries(options.blockCountry, '--block-country') } : {}),
    ...(options.ip.length > 0 ? { ipRanges: options.ip } : {}),
    ...(maxHeight !== undefined ? { maxHeight } : {}),
  };
}

/** The options of every command that mints a playback token (`vora sign`, `vora live sign`): who may watch, how long. */
export function withViewerRuleOptions(command: Command, defaultTtl: string): Command {
  return command
    .option('--ttl <duration>', 'how long the URL works (1h, 30m, 1h30m, seconds)', defaultTtl)
    .option('--country <CC>', 'allow only viewers in this country (repeatable)', collect, [])
    .option('--block-country <CC>', 'refuse viewers in this country (repeatable)', collect, [])
    .option('--ip <CIDR>', 'allow only viewers in this IP range (repeatable)', collect, [])
    .option('--max-height <pixels>', 'highest rendition the viewer may get, e.g. 720')
    .option('--json', 'print the token, both URLs and the expiry as JSON');
}

/** `vora sign ID`: a viewer's watch link (player and the chat beside it) and the HLS master URL, minted by the origin. */
export function registerSignCommand(program: Command): void {
  withViewerRuleOptions(program.command('sign').argument('<id>', 'video id (vid_…)').description("mint a viewer's watch link (player + chat) and the signed HLS URL of a video"), '1h')
    .action(async (id: string, options: SignOptions) => {
      const body = tokenRequestBody(options);
      const minted = await originClient(loadCliConfig()).request<PlaybackToken>('POST', `/v1/videos/${encodeURIComponent(id)}/token`, body);
      if (options.json) return printJson(minted);
      printLine(minted.watchUrl);
      printLine(`  HLS  ${minted.url}`);
    });
}
