import type { Logger } from 'pino';
import { archiveDay, dayOfPartition, type ArchiveDeps, type DayArchive } from './archive.ts';
import { dropPartition, expiredPartitions } from './schema.ts';

export interface RetentionOutcome {
  dropped: Array<{ partition: string; archive: DayArchive }>;
  /** Partitions kept because their archive failed: retried at the next run, never dropped unarchived. */
  kept: Array<{ partition: string; reason: string }>;
}

/**
 * Retention with archiving (RFC-001 "archiving old data"): each daily partition past `keepDays` is exported
 * to the archive bucket first and dropped only once its archive is stored.
 */
export async function archiveThenDropExpired(deps: ArchiveDeps & { log: Logger }, keepDays: number, now = Date.now()): Promise<RetentionOutcome> {
  const outcome: RetentionOutcome = { dropped: [], kept: [] };
  for (const partition of await expiredPartitions(deps.clickhouse, keepDays, now)) {
    const day = dayOfPartition(partition)!;
    let archive: DayArchive;
    try {
      archive = await archiveDay(deps, day);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.log.warn({ event: 'analytics_archive_failed', day, err: reason }, 'could not archive an expired analytics day: kept, retried next hour');
      outcome.kept.push({ partition, reason });
      continue;
    }
    await dropPartition(deps.clickhouse, partition);
    deps.log.info({ event: 'analytics_day_archived', day, key: archive.key, rows: archive.rows, bytes: archive.bytes }, 'archived and dropped an expired analytics day');
    outcome.dropped.push({ partition, archive });
  }
  return outcome;
}
