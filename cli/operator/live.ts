import type { Command } from 'commander';
import { CliError } from '../lib/errors.ts';
import { LIVE_VIEWER_WINDOW_SECONDS, LiveInputList, LiveLatency, LiveInputView, LiveInputWithKey, MAX_RECONNECT_WINDOW_SECONDS, RestreamTargetView } from '../../contracts/live-inputs.ts';
import { originClient, type HttpMethod } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';
import { formatAgo } from '../lib/units.ts';
import { PlaybackTokenAnswer } from '../../contracts/videos.ts';
import { tokenRequestBody, withViewerRuleOptions, type SignOptions } from './sign.ts';

/** Pure: `1.2 Mbit/s` (the API gives bits/s), `-` when unknown or not live. */
export function formatBitrate(bitsPerSecond: number | null): string {
  if (bitsPerSecond === null) return '-';
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1000)} kbit/s`;
}

const viewersText = (viewers: number | null) => (viewers === null ? '-' : String(viewers));

/** Pure: one row per live input — id, status, viewers, bitrate, title, broadcasts, reconnect window, recording, created. */
export function liveInputRows(inputs: LiveInputView[], nowMs: number): string[][] {
  return inputs.map((input) => [
    input.id,
    input.status,
    viewersText(input.currentViewers),
    formatBitrate(input.currentBitrate),
    input.title,
    String(input.broadcasts),
    `${input.reconnectWindowSeconds} s`,
    input.recording,
    formatAgo(Date.parse(input.createdAt), nowMs),
  ]);
}

/** Pure: one line per restream target — where it pushes, its masked key, how the push stands and why it last failed. */
export function restreamLines(targets: LiveInputView['restreamTargets']): string[] {
  return targets.map((target) => `  restream   ${target.id}  ${target.url}  key ${target.streamKeyMasked}  ${target.status}${target.lastError ? ` (${target.lastError})` : ''}`);
}

/** Pure: `vora live show` — status with what is happening now, ingest, playback. */
export function liveInputLines(input: LiveInputView): string[] {
  const on = input.status === 'connecting' || input.status === 'live' || input.status === 'reconnecting';
  return [
    `${input.id}  ${input.status}  ${input.title}`,
    ...(on ? [`  now        ${viewersText(input.currentViewers)} viewers (watch pages playing, last ${LIVE_VIEWER_WINDOW_SECONDS} s), publisher sends ${formatBitrate(input.currentBitrate)}`] : []),
    `  ingest     ${input.ingest.rtmpUrl}/<stream key>`,
    `  broadcasts ${input.broadcasts}, reconnect window ${input.reconnectWindowSeconds} s, recording ${input.recording}, latency ${input.latency}`,
    ...restreamLines(input.restreamTargets),
    `  watch      \`vora live sign ${input.id}\` makes a watch link (it waits while the stream is offline)`,
  ];
}

/** Pure: what a streamer needs, OBS's two fields first, then FFmpeg's one URL. The key is printed once. */
export function goLiveLines(input: LiveInputWithKey): string[] {
  return [
    `live input ${input.id} (${input.title})`,
    `  OBS → Settings → Stream → Service "Custom…":`,
    `    Server      ${input.ingest.rtmpUrl}`,
    `    Stream Key  ${input.streamKey}`,
    `  FFmpeg: ffmpeg -re -i INPUT -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv ${input.publishUrl}`,
    ...(input.srtPublishUrl
      ? [`  SRT (OBS Server, or FFmpeg with -f mpegts): ${input.srtPublishUrl}`]
      : []),
    `  The key is shown only now: keep it secret; \`vora live rotate-key ${input.id}\` replaces it.`,
  ];
}

function request<T>(method: HttpMethod, suffix: string, body?: unknown): Promise<T> {
  return originClient(loadCliConfig()).request<T>(method, `/v1/live-inputs${suffix}`, body);
}

/** A stream key typed or piped in (first line of stdin), so it stays out of shell history and `ps`. */
async function keyFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('stream key of the target (input hidden from history; end with Enter): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const key = text.split('\n')[0]!.trim();
  if (!key) throw new CliError('no stream key given: pass --key KEY or pipe it in (echo "$KEY" | vora live restream add ID URL)');
  return key;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > MAX_RECONNECT_WINDOW_SECONDS) throw new CliError(`--reconnect-window must be whole seconds between 0 and ${MAX_RECONNECT_WINDOW_SECONDS}, got ${value}`);
  return parsed;
}

function latency(value: string): LiveLatency {
  const parsed = LiveLatency.safeParse(value);
  if (!parsed.success) throw new CliError(`--latency must be standard or low, got ${value}`);
  return parsed.data;
}

/** `vora live create | ls | show | rotate-key | rm`: live inputs (stream keys) on the origin. */
export function registerLiveCommand(program: Command): void {
  const live = program.command('live').description('live inputs: stream keys, ingest URLs, broadcast status');

  live
    .command('create')
    .description('create a live input; prints the ingest URL and the stream key (shown once)')
    .requiredOption('--title <title>', 'what the stream is called')
    .option('--channel <id>', 'the channel it belongs to')
    .option('--reconnect-window <seconds>', `a publisher back within this long continues the same broadcast (0–${MAX_RECONNECT_WINDOW_SECONDS})`, seconds, 60)
    .option('--no-recording', 'do not keep the broadcast as a video')
    .option('--srt', 'also take SRT: its own port and passphrase (shown once)')
    .option('--latency <latency>', 'standard (2-s segments, ~6 s behind live) or low (LL-HLS parts of ~0.33 s)', latency, 'standard')
    .option('--json', 'print JSON')
    .action(async (options: { title: string; channel?: string; reconnectWindow: number; recording: boolean; srt?: boolean; latency: LiveLatency; json?: boolean }) => {
      const created = LiveInputWithKey.parse(
        await request('POST', '', { title: options.title, channelId: options.channel, reconnectWindowSeconds: options.reconnectWindow, recording: options.recording ? 'on' : 'off', srt: options.srt ?? false, latency: options.latency }),
      );
      if (options.json) return printJson(created);
      for (const line of goLiveLines(created)) printLine(line);
    });

  live
    .command('ls')
    .description('list live inputs with their status')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { liveInputs } = LiveInputList.parse(await request('GET', ''));
      if (options.json) return printJson({ liveInputs });
      printTable(['id', 'status', 'viewers', 'bitrate', 'title', 'broadcasts', 'reconnect', 'recording', 'created'], liveInputRows(liveInputs, Date.now()), 'no live inputs: `vora live create --title "My stream"` makes one');
    });

  live
    .command('show')
    .argument('<id>', 'live input id')
    .description('one live input: status, ingest URL, playback URL')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const input = LiveInputView.parse(await request('GET', `/${encodeURIComponent(id)}`));
      if (options.json) return printJson(input);
      for (const line of liveInputLines(input)) printLine(line);
    });

  withViewerRuleOptions(live.command('sign').argument('<id>', 'live input id').description("mint a viewer's watch link for a live input (the page waits while it is offline, then plays)"), '6h')
    .action(async (id: string, options: SignOptions) => {
      const minted = PlaybackTokenAnswer.parse(await request('POST', `/${encodeURIComponent(id)}/token`, tokenRequestBody(options)));
      if (options.json) return printJson(minted);
      printLine(minted.watchUrl);
      printLine(`  HLS  ${minted.url}`);
    });

  live
    .command('rotate-key')
    .argument('<id>', 'live input id')
    .description('replace the stream key; the old one is refused from now on')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const rotated = LiveInputWithKey.parse(await request('POST', `/${encodeURIComponent(id)}/rotate-key`));
      if (options.json) return printJson(rotated);
      for (const line of goLiveLines(rotated)) printLine(line);
    });

  const restream = live.command('restream').description("push an input's broadcasts on to other platforms (RTMP/RTMPS, unchanged)");
  restream
    .command('add')
    .argument('<id>', 'live input id')
    .argument('<url>', "the platform's RTMP(S) ingest URL, e.g. rtmps://live.example.com/app")
    .option('--key <key>', 'its stream key (without it: read from stdin, so it stays out of shell history)')
    .option('--json', 'print JSON')
    .description('add a restream target; a running broadcast starts pushing to it at once')
    .action(async (id: string, url: string, options: { key?: string; json?: boolean }) => {
      const streamKey = options.key ?? (await keyFromStdin());
      const target = RestreamTargetView.parse(await request('POST', `/${encodeURIComponent(id)}/restream-targets`, { url, streamKey }));
      if (options.json) return printJson(target);
      printLine(`restream target ${target.id} added to ${id}: ${target.url} key ${target.streamKeyMasked}`);
    });
  restream
    .command('rm')
    .argument('<id>', 'live input id')
    .argument('<target-id>', 'restream target id (`vora live show ID --json` lists them)')
    .description('remove a restream target; a push to it stops at once')
    .action(async (id: string, targetId: string) => {
      await request('DELETE', `/${encodeURIComponent(id)}/restream-targets/${encodeURIComponent(targetId)}`);
      printLine(`restream target ${targetId} removed from ${id}`);
    });

  live
    .command('rm')
    .argument('<id>', 'live input id')
    .description('delete a live input; its key is refused from now on')
    .action(async (id: string) => {
      await request('DELETE', `/${encodeURIComponent(id)}`);
      printLine(`live input ${id} deleted`);
    });
}
