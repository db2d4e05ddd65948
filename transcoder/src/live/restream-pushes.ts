import { ActivityFailure, CancellationScope, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import { liveTaskQueue } from '../../../contracts/live.ts';
import type { RestreamActivities } from './restream-activity.ts';
import { restreamChanges } from './restream-changes.ts';

// A push runs as long as its source: heartbeats with FFmpeg's progress, so a killed worker is noticed within 20 s.
// A refusing or dropping target is retried with backoff for as long as the broadcast lasts (the scope is cancelled at its end).
const { runRestream } = proxyActivities<RestreamActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['RestreamTargetGone'] },
});
const { restreamIdle } = proxyActivities<RestreamActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

/** What the broadcast's ladder loop shows the pushes: where to pull now, and a count that moves with every new pull. */
export interface RestreamSource {
  pullUrl(): string;
  pulls(): number;
}

export interface RestreamPushes {
  /** Starts pushes for targets not running yet and cancels those of targets no longer listed (removed: no idle report). */
  sync(targetIds: readonly string[]): void;
  /** The broadcast is over: cancels every push and sets the remaining targets back to `idle`. */
  stop(): Promise<void>;
}

/**
 * Workflow code: one push per target while the broadcast lasts, each in its own cancellation scope (a failing or
 * removed target never touches the ladder or another target). A push whose source ended waits for the ladder's next
 * pull (the publisher came back).
 */
export function startRestreamPushes(targetIds: readonly string[], source: RestreamSource): RestreamPushes {
  let over = false;
  const running = new Map<string, { scope: CancellationScope; done: Promise<void> }>();
  const pushUntilOver = async (targetId: string) => {
    while (!over) {
      const pull = source.pulls();
      try {
        await runRestream({ targetId, pullUrl: source.pullUrl() });
      } catch (error) {
        if (isCancellation(error)) return;
        // Deleted target, or retries given up: this target is done for the broadcast; the others and the ladder go on.
        if (error instanceof ActivityFailure) return;
        throw error;
      }
      await condition(() => over || source.pulls() !== pull);
    }
  };
  const sync = (wanted: readonly string[]) => {
    if (over) return;
    const { start, cancel } = restreamChanges(running.keys(), wanted);
    for (const id of cancel) {
      running.get(id)!.scope.cancel();
      running.delete(id);
    }
    for (const id of start) {
      const scope = new CancellationScope();
      running.set(id, { scope, done: scope.run(() => pushUntilOver(id)).catch(() => undefined) });
    }
  };
  sync(targetIds);
  return {
    sync,
    async stop() {
      over = true;
      const left = [...running.entries()];
      for (const [, push] of left) push.scope.cancel();
      await Promise.all(left.map(([, push]) => push.done));
      await Promise.all(left.map(([targetId]) => restreamIdle({ targetId }).catch(() => undefined)));
    },
  };
}
