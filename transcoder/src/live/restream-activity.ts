import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { RestreamTargetSecret, type RestreamTargetStatusReport } from '../../../contracts/live-inputs.ts';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg.ts';
import { restreamArgs, restreamPushUrl } from './restream-args.ts';
import { pushIsLive, restreamOutcome } from './restream-status.ts';

export interface RestreamActivityDeps {
  ffmpegPath: string;
  /** The origin's internal live routes (`…/internal/live`) and the secret they take as `?s=`. */
  origin: { internalUrl: string; internalSecret: string };
  logger: Logger;
  fetch?: typeof fetch;
  /** How long a push keeps pulling a broadcast that nginx does not have yet before it waits for the next pull. */
  connectGraceMs?: number;
}

export interface RunRestreamInput {
  /** Only the id: the URL and key are read from the origin at run time, so the key never sits in Temporal history. */
  targetId: string;
  pullUrl: string;
}

/** The restream push (issue 17): one long-running, heartbeating activity per target on `vora-live`. */
export function createRestreamActivities(deps: RestreamActivityDeps) {
  const call = deps.fetch ?? fetch;
  const targetUrl = (id: string, suffix = '') => `${deps.origin.internalUrl}/restream-targets/${encodeURIComponent(id)}${suffix}?s=${encodeURIComponent(deps.origin.internalSecret)}`;

  async function openTarget(id: string): Promise<RestreamTargetSecret | null> {
    const response = await call(targetUrl(id));
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`origin answered ${response.status} for restream target ${id}`);
    return RestreamTargetSecret.parse(await response.json());
  }

  /** Best effort: a status the origin did not take must not stop the push itself. */
  async function report(id: string, status: RestreamTargetStatusReport, log: Logger): Promise<void> {
    try {
      const response = await call(targetUrl(id, '/status'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(status) });
      if (!response.ok && response.status !== 404) log.warn({ event: 'restream_status_not_recorded', httpStatus: response.status }, 'origin did not take the restream status');
    } catch (error) {
      log.warn({ event: 'restream_status_not_recorded', err: error }, 'origin did not take the restream status');
    }
  }

  /**
   * Pushes the broadcast to one target until the source ends (returns) or the push fails (reports `failed` with the
   * reason, then throws so Temporal retries it with backoff). A deleted target ends it for good.
   */
  async function runRestream(input: RunRestreamInput): Promise<{ sentMedia: boolean }> {
    const context = Context.current();
    const log = deps.logger.child({ restreamTargetId: input.targetId, attempt: context.info.attempt });
    const target = await openTarget(input.targetId);
    if (!target) throw ApplicationFailure.nonRetryable(`restream target ${input.targetId} was deleted`, 'RestreamTargetGone');
    // A retry keeps showing `failed` and why until media flows: `connecting` would hide the reason every attempt.
    if (context.info.attempt === 1) await report(target.id, { status: 'connecting', lastError: null }, log);
    const pushUrl = restreamPushUrl(target.url, target.streamKey);
    let sentMedia = false;
    const startedAt = Date.now();
    for (;;) {
      context.heartbeat();
      const run = await runFfmpeg({
        ffmpegPath: deps.ffmpegPath,
        args: restreamArgs({ pullUrl: input.pullUrl, targetUrl: target.url, streamKey: target.streamKey }),
        signal: context.cancellationSignal,
        onProgress: (progress) => {
          context.heartbeat();
          if (sentMedia || !pushIsLive(progress.outTimeSeconds)) return;
          sentMedia = true;
          log.info({ event: 'restream_live', url: target.url }, 'restream target receiving media');
          void report(target.id, { status: 'live', lastError: null }, log);
        },
      });
      const outcome = restreamOutcome(run, { sentMedia, pullUrl: input.pullUrl, pushUrl, streamKey: target.streamKey });
      // The push starts with the publish, before nginx has media to give: pull again for a while, like the ladder does.
      if (outcome.kind === 'source-ended' && run.kind !== 'aborted' && !sentMedia && Date.now() - startedAt < (deps.connectGraceMs ?? 15_000)) {
        await sleep(500);
        continue;
      }
      await report(target.id, { status: outcome.status, lastError: outcome.lastError }, log);
      if (outcome.kind === 'retry') {
        log.warn({ event: 'restream_failed', url: target.url, reason: outcome.lastError }, 'restream push failed; retried with backoff');
        throw ApplicationFailure.retryable(outcome.lastError, 'RestreamPushFailed');
      }
      log.info({ event: 'restream_ended', url: target.url, sentMedia }, 'restream push ended with its source');
      return { sentMedia };
    }
  }

  /** Sets a target back to `idle` when its broadcast is over (the push was cancelled mid-report, or never ran). */
  async function restreamIdle(input: { targetId: string }): Promise<void> {
    await report(input.targetId, { status: 'idle', lastError: null }, deps.logger.child({ restreamTargetId: input.targetId }));
  }

  return { runRestream, restreamIdle };
}

export type RestreamActivities = ReturnType<typeof createRestreamActivities>;
