import { condition, defineSignal, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { liveRepublishedSignalName, liveRestreamTargetsChangedSignalName, liveTaskQueue, recordingVideoId, type LiveBroadcastInput, type LiveBroadcastResult, type LiveOriginActivities } from '../../../contracts/live.ts';
import { originTaskQueue, type OriginActivities } from '../../../contracts/transcode.ts';
import type { LiveActivities } from './live-activities.ts';
import type { LiveRungSections } from './live-sections.ts';
import { startRestreamPushes } from './restream-pushes.ts';

// The ladder runs as long as the broadcast: it heartbeats every few seconds, so a killed worker is noticed
// within 20 s and the attempt restarts on any worker of `vora-live`, continuing behind a discontinuity.
const { runLiveLadder } = proxyActivities<LiveActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 20 },
});
const { endLiveBroadcast, recordLiveBroadcast } = proxyActivities<LiveActivities>({
  taskQueue: liveTaskQueue,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 30 },
});
// The input's row decides whether a publisher is there; the origin may be restarting: keep asking for a while.
const origin = proxyActivities<LiveOriginActivities & Pick<OriginActivities, 'recordRenditions' | 'markReady'>>({
  taskQueue: originTaskQueue,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const republishedSignal = defineSignal<[string]>(liveRepublishedSignalName);
export const restreamTargetsChangedSignal = defineSignal(liveRestreamTargetsChangedSignalName);

/** A publisher whose claim raced the end of the window: its signal follows the claim within a request. */
const RESUME_SIGNAL_WAIT = '1 minute';
/** Histories from before restream pushes replay without them (no activity they did not schedule). */
export const RESTREAM_PATCH = 'live-restream-targets';

/** Bound on ladder runs of one broadcast (reconnects, restarts): past it the broadcast ends rather than loop. */
const MAX_LADDER_RUNS = 500;

/**
 * Workflow `live-{inputId}-{n}`: one broadcast. Runs the live ladder while a publisher sends; when it leaves, waits
 * up to the reconnect window for it to come back (same broadcast, the ladder runs again behind a discontinuity);
 * after the window the playlists get EXT-X-ENDLIST, and (recording on) the broadcast becomes a READY video at once.
 */
export async function liveBroadcast(input: LiveBroadcastInput): Promise<LiveBroadcastResult> {
  const key = { inputId: input.inputId, broadcast: input.broadcast };
  let republishedFrom: string | null = null;
  setHandler(republishedSignal, (pullUrl) => {
    republishedFrom = pullUrl;
  });

  let sections: LiveRungSections = {};
  let pullUrl = input.pullUrl;
  let ladderRuns = 0;
  let pulls = 0;
  const restreams = patched(RESTREAM_PATCH)
    ? startRestreamPushes(await origin.restreamTargetIds({ inputId: input.inputId }), { pullUrl: () => pullUrl, pulls: () => pulls })
    : null;
  // Targets added or removed during the broadcast: read the ids again and sync the pushes (one read per burst of signals).
  let targetsChanged = false;
  let broadcastOver = false;
  setHandler(restreamTargetsChangedSignal, () => {
    targetsChanged = true;
  });
  const followTargetChanges = (async () => {
    while (restreams) {
      await condition(() => targetsChanged || broadcastOver);
      if (broadcastOver) return;
      targetsChanged = false;
      const ids = await origin.restreamTargetIds({ inputId: input.inputId });
      if (!broadcastOver) restreams.sync(ids);
    }
  })();
  while (ladderRuns < MAX_LADDER_RUNS) {
    pulls += 1;
    const run = await runLiveLadder({ ...key, pullUrl, prior: sections, latency: input.latency });
    sections = run.sections;
    ladderRuns += 1;

    let presence = republishedFrom === null ? await origin.liveInputPresence(key) : 'publishing';
    if (presence === 'reconnecting') {
      const back = input.reconnectWindowSeconds > 0 && (await condition(() => republishedFrom !== null, `${input.reconnectWindowSeconds} seconds`));
      if (!back) {
        const closed = await origin.closeLiveBroadcast(key);
        if (closed !== 'continued') break;
        await condition(() => republishedFrom !== null, RESUME_SIGNAL_WAIT);
      }
      presence = 'publishing';
    }
    if (presence === 'gone') break;
    // Publishing: back within the window, or still there (the ladder stopped under it): run it again.
    if (republishedFrom !== null) pullUrl = republishedFrom;
    republishedFrom = null;
  }
  broadcastOver = true;
  await followTargetChanges;
  await restreams?.stop();
  await endLiveBroadcast({ ...key, sections, latency: input.latency });
  if (input.recording !== false && Object.values(sections).some((rung) => rung.length > 0)) {
    // Instant recording: the same segments as a READY video, no re-encode.
    const videoId = recordingVideoId(input.inputId, input.broadcast);
    const recording = await recordLiveBroadcast({ ...key, videoId, sections });
    await origin.createLiveRecording({ ...key, videoId, durationSeconds: recording.durationSeconds });
    await origin.recordRenditions({ videoId, renditions: recording.renditions });
    await origin.markReady({ videoId, thumbnailKey: recording.thumbnailKey });
  }
  const lowest = Object.values(sections).at(-1) ?? [];
  return { segments: lowest.reduce((sum, section) => sum + section.durations.length, 0), ladderRuns };
}
