import type { Logger } from 'pino';
import { transcodeWorkflowId, type TranscodeVideoInput } from '../../../contracts/transcode.ts';
import type { Sql } from '../db/sql.ts';
import { completeTranscodeStart, deferTranscodeStart, dueTranscodeStarts, type PendingTranscodeStart } from '../db/transcode-starts.ts';
import { repeatInBackground } from '../repeat-in-background.ts';
import { withTimeout } from '../with-timeout.ts';
import { transcodeStartRetryDelayMs } from './stuck-video-rules.ts';

export interface TranscodeOutboxDeps {
  sql: Sql;
  /** `startTranscode(client, input)` with its client bound: idempotent by workflow id `video-{id}`. */
  start: (input: TranscodeVideoInput) => Promise<{ started: boolean }>;
  log: Logger;
  /** One attempt that has not answered by then counts as failed (a Temporal that hangs is down); default 5 s. */
  attemptTimeoutMs?: number;
}

/**
 * One attempt at a pending start. Taken (or already running: a duplicate start is a no-op) → the row is
 * removed; refused or unanswered → the row waits for its next attempt. Never throws for Temporal's sake.
 */
export async function startPendingTranscode(deps: TranscodeOutboxDeps, pending: PendingTranscodeStart, now = new Date()): Promise<boolean> {
  const { videoId, sourceKey } = pending;
  const workflowId = transcodeWorkflowId(videoId);
  try {
    const { started } = await withTimeout(deps.start({ videoId, sourceKey }), deps.attemptTimeoutMs ?? 5_000, 'Temporal');
    await completeTranscodeStart(deps.sql, videoId);
    deps.log.info({ event: 'transcode_started', videoId, workflowId, started, attempts: pending.attempts + 1 }, started ? 'transcode started' : 'transcode already started');
    return true;
  } catch (error) {
    const delayMs = transcodeStartRetryDelayMs(pending.attempts);
    const message = (error as Error).message;
    await deferTranscodeStart(deps.sql, videoId, new Date(now.getTime() + delayMs), message);
    deps.log.warn(
      { event: 'transcode_start_deferred', videoId, workflowId, attempts: pending.attempts + 1, retryInMs: delayMs, err: message },
      'could not start the transcode workflow (is Temporal up?); the start is kept and tried again',
    );
    return false;
  }
}

/** One pass over the due starts; returns how many Temporal took. */
export async function startDueTranscodes(deps: TranscodeOutboxDeps, now = new Date(), limit = 50): Promise<number> {
  let taken = 0;
  for (const pending of await dueTranscodeStarts(deps.sql, now, limit)) {
    if (await startPendingTranscode(deps, pending, now)) taken += 1;
  }
  return taken;
}

/** Every `intervalMs` (default 2 s), starts the due workflows of the outbox until Temporal takes them. */
export function startTranscodeOutbox(deps: TranscodeOutboxDeps & { intervalMs?: number }): { stop(): Promise<void> } {
  return repeatInBackground(deps.intervalMs ?? 2_000, () =>
    startDueTranscodes(deps).catch((error: unknown) => deps.log.warn({ event: 'transcode_outbox_failed', err: (error as Error).message }, 'could not read the pending transcode starts; trying again')),
  );
}
