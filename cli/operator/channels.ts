import type { Command } from 'commander';
import { ChannelList, ChannelView, TwitchLinkView, UpdateChannelBody } from '../../contracts/channels.ts';
import { describeIssues } from '../../contracts/issues.ts';
import { originClient, type HttpMethod } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';
import { formatAgo } from '../lib/units.ts';

/** Pure: one row per channel — id, title, videos, created. */
export function channelRows(channels: ChannelView[], nowMs: number): string[][] {
  return channels.map((channel) => [
    channel.id,
    channel.title.length > 40 ? `${channel.title.slice(0, 39)}…` : channel.title,
    String(channel.videoCount),
    formatAgo(Date.parse(channel.createdAt), nowMs),
  ]);
}

/** Pure: the Twitch link in one line (and what to do when it is broken). */
export function twitchLine(twitch: TwitchLinkView | null, channelId: string): string {
  if (!twitch) return `— (vora channels link-twitch ${channelId} --login NAME)`;
  const enabled = twitch.subscriptions.filter((subscription) => subscription.status === 'enabled').length;
  const who = `${twitch.displayName} (login ${twitch.login}, id ${twitch.broadcasterId})`;
  if (twitch.status === 'broken') return `${who} — BROKEN: ${twitch.brokenReason ?? 'a subscription was revoked'} (vora channels unlink-twitch ${channelId}, then link-twitch)`;
  return `${who} — ${twitch.status}, ${enabled} of ${twitch.subscriptions.length} subscriptions enabled`;
}

/** Pure: what `vora channels show` prints, one fact per line (`edgeUrl` gives the page's address). */
export function channelLines(channel: ChannelView, edgeUrl?: string): string[] {
  const facts: Array<[string, string]> = [
    ['id', channel.id],
    ['title', channel.title],
    ['description', channel.description || '—'],
    ['avatar', channel.avatarUrl ?? '—'],
    ['chat room', `${channel.room} (shared by its videos unless a video has its own)`],
    ['videos', `${channel.videoCount} (public ones are listed on its page)`],
    ...(edgeUrl ? ([['page', `${edgeUrl}/c/${channel.id}`]] as Array<[string, string]>) : []),
    ['twitch', twitchLine(channel.twitch, channel.id)],
    ['created', channel.createdAt],
    ['updated', channel.updatedAt],
  ];
  return facts.map(([label, value]) => `${label.padEnd(12)} ${value}`);
}

export interface ChannelSetOptions {
  title?: string;
  description?: string;
  /** An http(s) image URL, or `none` to remove the avatar. */
  avatar?: string;
}

/** Pure: the PATCH body of `vora channels set` — only the options given; checked here so a mistake is named before any request. */
export function channelSettingsBody(options: ChannelSetOptions): UpdateChannelBody {
  const body = {
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.avatar !== undefined ? { avatarUrl: options.avatar === 'none' ? null : options.avatar } : {}),
  };
  if (Object.keys(body).length === 0) throw new CliError('nothing to change: give --title, --description or --avatar (URL, or none to remove it)');
  const parsed = UpdateChannelBody.safeParse(body);
  if (!parsed.success) throw new CliError(`vora channels set: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function request<T>(method: HttpMethod, suffix: string, body?: unknown): Promise<T> {
  return originClient(loadCliConfig()).request<T>(method, `/v1/channels${suffix}`, body);
}

const channelPath = (id: string) => `/${encodeURIComponent(id)}`;

/** `vora channels create | ls | show | set | rm` (and the Twitch link): a streamer's home (its room, its videos, its configuration). */
export function registerChannelsCommand(program: Command): void {
  const channels = program.command('channels').description('channels: a streamer’s home — its videos, its chat room, its Twitch link');

  channels
    .command('create')
    .argument('<id>', 'channel id you choose: 1-56 of A-Z a-z 0-9 _ - (it appears in URLs: /c/ID)')
    .requiredOption('--title <title>', 'what the channel is called')
    .option('--description <text>', 'a line or two about it', '')
    .option('--avatar <url>', 'an http(s) image URL shown on the channel page')
    .option('--json', 'print JSON')
    .description('create a channel')
    .action(async (id: string, options: { title: string; description: string; avatar?: string; json?: boolean }) => {
      const created = ChannelView.parse(await request('POST', '', { id, title: options.title, description: options.description, avatarUrl: options.avatar ?? null }));
      if (options.json) return printJson(created);
      printLine(`channel ${created.id} created; its videos share the chat room ${created.room}`);
      printLine(`  upload into it: vora upload FILE --channel ${created.id} [--public]`);
      printLine(`  its page: ${loadCliConfig().edgeUrl}/c/${created.id}`);
    });

  channels
    .command('ls')
    .description('list channels, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { channels: list } = ChannelList.parse(await request('GET', ''));
      if (options.json) return printJson({ channels: list });
      printTable(['id', 'title', 'videos', 'created'], channelRows(list, Date.now()), 'no channels yet: `vora channels create my-show --title "My show"` makes one');
    });

  channels
    .command('show')
    .argument('<id>', 'channel id')
    .option('--json', 'print JSON')
    .description('one channel: title, room, videos')
    .action(async (id: string, options: { json?: boolean }) => {
      const channel = ChannelView.parse(await request('GET', channelPath(id)));
      if (options.json) return printJson(channel);
      for (const line of channelLines(channel, loadCliConfig().edgeUrl)) printLine(line);
    });

  channels
    .command('set')
    .argument('<id>', 'channel id')
    .option('--title <title>', 'what the channel is called')
    .option('--description <text>', 'a line or two about it ("" clears it)')
    .option('--avatar <url>', 'an http(s) image URL shown on the channel page, or none to remove it')
    .option('--json', 'print JSON')
    .description("change a channel's title, description or avatar (what its page shows)")
    .action(async (id: string, options: ChannelSetOptions & { json?: boolean }) => {
      const channel = ChannelView.parse(await request('PATCH', channelPath(id), channelSettingsBody(options)));
      if (options.json) return printJson(channel);
      for (const line of channelLines(channel, loadCliConfig().edgeUrl)) printLine(line);
    });

  channels
    .command('link-twitch')
    .argument('<id>', 'channel id')
    .requiredOption('--login <name>', 'the Twitch broadcaster (the name in twitch.tv/NAME)')
    .option('--json', 'print JSON')
    .description("link a Twitch broadcaster: their going live, raids, follows, subs, cheers and stream updates appear in the channel's room")
    .action(async (id: string, options: { login: string; json?: boolean }) => {
      const link = TwitchLinkView.parse(await request('POST', `${channelPath(id)}/twitch`, { login: options.login }));
      if (options.json) return printJson(link);
      printLine(`channel ${id} follows ${link.displayName} (Twitch id ${link.broadcasterId}) with ${link.subscriptions.length} EventSub subscriptions:`);
      for (const subscription of link.subscriptions) printLine(`  ${subscription.type.padEnd(18)} v${subscription.version}  ${subscription.status}  ${subscription.id}`);
    });

  channels
    .command('unlink-twitch')
    .argument('<id>', 'channel id')
    .option('--json', 'print JSON')
    .description('remove the Twitch link: its EventSub subscriptions are deleted at Twitch')
    .action(async (id: string, options: { json?: boolean }) => {
      const answer = await request<{ deletedSubscriptions: number }>('DELETE', `${channelPath(id)}/twitch`);
      if (options.json) return printJson(answer);
      printLine(`channel ${id} no longer follows Twitch (${answer.deletedSubscriptions} subscriptions deleted at Twitch)`);
    });

  channels
    .command('rm')
    .argument('<id>', 'channel id')
    .option('--json', 'print JSON')
    .description('delete a channel; its videos and live inputs stay, each with a room of its own')
    .action(async (id: string, options: { json?: boolean }) => {
      const answer = await request<{ id: string; detached: { videos: number; liveInputs: number } }>('DELETE', channelPath(id));
      if (options.json) return printJson(answer);
      printLine(`channel ${id} deleted (${answer.detached.videos} videos and ${answer.detached.liveInputs} live inputs left without a channel)`);
    });
}
