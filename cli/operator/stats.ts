import type { Command } from 'commander';
import type { DayViews, VideoAnalytics } from '../../contracts/beacons.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine } from '../lib/output.ts';
import { formatSeconds, parseDuration } from '../lib/units.ts';
import { registerProcessingStatsCommand } from './stats-processing.ts';

const DAY_MS = 86_400_000;

/**
 * `--from`/`--to` → epoch ms: `YYYY-MM-DD` (UTC midnight), an ISO date-time, epoch ms, or a duration
 * ago (`7d`, `12h`). Null when it is none of those.
 */
export function parseInstant(text: string, nowMs: number): number | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const ms = Date.parse(`${trimmed}T00:00:00Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{10,14}$/.test(trimmed)) return Number(trimmed);
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? null : ms;
  }
  const seconds = /^\d+$/.test(trimmed) ? null : parseDuration(trimmed);
  return seconds === null ? null : nowMs - seconds * 1000;
}

/** The range asked for; by default the last 7 whole UTC days, today included (whole days read the daily aggregate). */
export function statsRange(options: { from?: string; to?: string }, nowMs: number): { from: number; to: number } {
  const parse = (flag: string, text: string) => {
    const ms = parseInstant(text, nowMs);
    if (ms === null) throw new CliError(`--${flag} ${text}: not a date — use YYYY-MM-DD, an ISO date-time, epoch ms or a duration ago like 7d`);
    return ms;
  };
  const to = options.to === undefined ? nowMs - (nowMs % DAY_MS) + DAY_MS : parse('to', options.to);
  const from = options.from === undefined ? to - 7 * DAY_MS : parse('from', options.from);
  if (from >= to) throw new CliError(`--from must be before --to (got ${new Date(from).toISOString()} → ${new Date(to).toISOString()})`);
  return { from, to };
}

/** Pure: one line per day, `YYYY-MM-DD  ####      12`, bars scaled to the busiest day (a day with views shows at least one #). */
export function dayChart(days: DayViews[], width = 40): string[] {
  const peak = Math.max(0, ...days.map((d) => d.views));
  const digits = String(peak).length;
  return days.map((d) => {
    const filled = peak === 0 ? 0 : Math.max(d.views > 0 ? 1 : 0, Math.round((d.views / peak) * width));
    return `${d.day}  ${'#'.repeat(filled).padEnd(width)} ${String(d.views).padStart(digits)}`;
  });
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

/** Pure: the metrics as label/value rows. */
export function statsRows(a: VideoAnalytics): Array<[string, string]> {
  return [
    ['video', a.videoId],
    ['range', `${a.from} → ${a.to}`],
    ['views', String(a.views)],
    ['unique viewers', String(a.uniqueViewers)],
    ['watch time', formatSeconds(a.watchSeconds)],
    ['avg view', formatSeconds(a.averageViewSeconds)],
    ['startup p50', ms(a.startupMs.p50)],
    ['startup p95', ms(a.startupMs.p95)],
    ['rebuffering', percent(a.rebufferRatio)],
    ['avg bitrate', a.bitrateAverage === null ? '—' : `${(a.bitrateAverage / 1e6).toFixed(2)} Mb/s`],
    ['errors', String(a.errors)],
    ['countries', a.byCountry.map((c) => `${c.country} ${c.views}`).join(', ') || '—'],
  ];
}

/** `vora stats VIDEO [--from --to] [--json]`, and `vora stats processing`. */
export function registerStatsCommand(program: Command): void {
  const stats = program
    .command('stats')
    .argument('<video>', 'video id (vid_…)')
    .description('playback analytics of a video: views, watch time, start-up, rebuffering, and views per day')
    .option('--from <when>', 'start: YYYY-MM-DD (UTC), ISO date-time, epoch ms or a duration ago (7d); default 7 days before --to')
    .option('--to <when>', 'end (exclusive), same forms; default the end of today (UTC)')
    .option('--json', 'print JSON')
    .action(async (video: string, options: { from?: string; to?: string; json?: boolean }) => {
      const range = statsRange(options, Date.now());
      const path = `/v1/videos/${encodeURIComponent(video)}/analytics?from=${range.from}&to=${range.to}`;
      const analytics = await originClient(loadCliConfig()).request<VideoAnalytics>('GET', path);
      if (options.json) return printJson(analytics);
      for (const [label, value] of statsRows(analytics)) printLine(`${label.padEnd(15)} ${value}`);
      printLine('');
      printLine('views per day (UTC)');
      for (const line of dayChart(analytics.viewsByDay ?? [])) printLine(line);
    });
  registerProcessingStatsCommand(stats);
}
