import type { Command } from 'commander';
import { ProcessingWindow, type ProcessingStats } from '../../contracts/processing-stats.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';

const bucketLabels: Record<string, string> = { '0-1m': '0–1 min', '1-5m': '1–5 min', '5-20m': '5–20 min', '20-60m': '20–60 min', '60m+': '60+ min', all: 'all' };
const pathLabels: Record<string, string> = { fast: 'fast (src)', encode: 'encode', all: 'all' };
const seconds = (value: number | null) => (value === null ? '—' : value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`);

export const processingHeaders = ['duration', 'path', 'videos', 'playable p50', 'playable p95', 'ready', 'ready p50', 'ready p95'];

/** Pure: one table row per group, as `vora stats processing` prints them. */
export function processingRows(stats: ProcessingStats): string[][] {
  return stats.groups
    .filter((group) => group.timeToPlayable.videos > 0)
    .map((group) => [
      bucketLabels[group.durationBucket] ?? group.durationBucket, pathLabels[group.path] ?? group.path, String(group.timeToPlayable.videos),
      seconds(group.timeToPlayable.median), seconds(group.timeToPlayable.p95),
      String(group.timeToReady.videos), seconds(group.timeToReady.median), seconds(group.timeToReady.p95),
    ]);
}

/** `vora stats processing [--window 7d] [--json]`: the processing times Vora publishes (`GET /v1/stats/processing`). */
export function registerProcessingStatsCommand(stats: Command): void {
  stats
    .command('processing')
    .description('time from an upload\'s last byte to PLAYABLE and to READY: median and p95 by source duration, fast path (src) or encode')
    .option('--window <duration>', 'uploads finished in the last 30m, 24h, 7d…', '7d')
    .option('--json', 'print JSON')
    .action(async (options: { window: string; json?: boolean }) => {
      if (!ProcessingWindow.safeParse(options.window).success) throw new CliError(`--window ${options.window}: use a duration like 30m, 24h or 7d`);
      const body = await originClient(loadCliConfig()).request<ProcessingStats>('GET', `/v1/stats/processing?window=${encodeURIComponent(options.window)}`);
      if (options.json) return printJson(body);
      printLine(`uploads finished ${body.from} → ${body.to}`);
      printTable(processingHeaders, processingRows(body), 'no upload finished processing in this window');
    });
}
