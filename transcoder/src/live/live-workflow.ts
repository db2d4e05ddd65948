import { proxyActivities } from '@temporalio/workflow';
import { liveTaskQueue, type LiveBroadcastInput, type LiveBroadcastResult } from '../../../contracts/live.ts';
import type { LiveActivities } from './live-activities.ts';

// The ladder runs as long as the broadcast: it heartbeats every few seconds, so a killed worker is noticed
// within 20 s and the attempt restarts on any worker of `vora-live`, continuing behind a discontinuity.
const { runLiveLadder } = proxyActivities<LiveActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 20 },
});
const { endLiveBroadcast } = proxyActivities<LiveActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 30 },
});

/**
 * Workflow `live-{inputId}-{n}`: one broadcast. Runs the live ladder until the publisher leaves, then closes the
 * playlists (EXT-X-ENDLIST): what was live is at once a recording.
 */
export async function liveBroadcast(input: LiveBroadcastInput): Promise<LiveBroadcastResult> {
  const run = await runLiveLadder({ inputId: input.inputId, broadcast: input.broadcast, pullUrl: input.pullUrl, prior: {} });
  await endLiveBroadcast({ inputId: input.inputId, broadcast: input.broadcast, sections: run.sections });
  const lowest = Object.values(run.sections).at(-1) ?? [];
  return { segments: lowest.reduce((sum, section) => sum + section.durations.length, 0), ladderRuns: 1 };
}
