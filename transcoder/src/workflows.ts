import { ActivityFailure, ApplicationFailure, condition, defineSignal, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { TranscodeActivities } from './activities/index.ts';
import {
  originTaskQueue,
  progressSignalName,
  type OriginActivities,
  type PublishedRendition,
  type TranscodeVideoInput,
  type TranscodeVideoResult,
} from '../../contracts/transcode.ts';
import { passSpans } from './ladder/passes.ts';
import { planLadder } from './ladder/plan-ladder.ts';

const { probeSource } = proxyActivities<TranscodeActivities>({
  startToCloseTimeout: '2 minutes',
  // Network blips and a missing ffprobe get retried; bad inputs fail at once (non-retryable failures).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const { encodeRenditions, makePreviews } = proxyActivities<TranscodeActivities>({
  startToCloseTimeout: '6 hours',
  // A worker killed mid-encode stops heartbeating: after 20 s another attempt starts, on any worker.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 4 },
});

const { removeOutputs } = proxyActivities<TranscodeActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// The origin's DB may be briefly away (a restart): keep trying for a while rather than lose a finished encode.
const origin = proxyActivities<OriginActivities>({
  taskQueue: originTaskQueue,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const progressSignal = defineSignal<[number]>(progressSignalName);

/** The reason a failure gives to people: the source's fault in its own words, or what kept failing. */
function failureReason(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) return error.cause.message;
  if (error instanceof ApplicationFailure) return error.message;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return `transcoding failed after retries: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function failureType(error: unknown): string {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return (failure instanceof ApplicationFailure && failure.type) || 'TranscodeFailed';
}

/**
 * Workflow `video-{videoId}`: probe → (origin accepts) → lowest rung first → PLAYABLE → previews →
 * the other rungs in one single-decode pass → READY. Any final failure removes the partial outputs
 * and marks the video FAILED with a reason.
 */
export async function transcodeVideo(input: TranscodeVideoInput): Promise<TranscodeVideoResult> {
  const { videoId, sourceKey } = input;
  let latestProgress = 0;
  let reportedProgress = 0;
  let finished = false;
  setHandler(progressSignal, (progress) => {
    latestProgress = Math.max(latestProgress, Math.min(1, progress));
  });
  // Reports progress to the origin every ~10 %, one origin call at a time.
  const reporter = (async () => {
    for (;;) {
      await condition(() => finished || latestProgress >= reportedProgress + 0.1);
      if (finished) return;
      reportedProgress = latestProgress;
      await origin.setProgress({ videoId, progress: reportedProgress });
    }
  })();

  log.info('transcode started', { videoId, sourceKey });
  try {
    const probe = await probeSource(input);
    const verdict = await origin.acceptProbe({ videoId, probe });
    if (!verdict.accepted) throw ApplicationFailure.nonRetryable(verdict.reason, 'SourceRefused');

    const plan = planLadder(probe);
    const [first, ...rest] = plan.renditions;
    const spans = passSpans(plan.renditions);
    const encodeInput = { videoId, sourceKey, durationSeconds: probe.durationSeconds, plan };
    const renditions: PublishedRendition[] = [];
    renditions.push(...(await encodeRenditions({ ...encodeInput, names: [first!.name], progressSpan: spans.first })));
    await origin.recordRenditions({ videoId, renditions });
    if (rest.length > 0) await origin.markPlayable({ videoId });

    const previews = await makePreviews({ videoId, sourceKey, durationSeconds: probe.durationSeconds, width: probe.width, height: probe.height });
    if (rest.length > 0) {
      const others = await encodeRenditions({ ...encodeInput, names: rest.map((rendition) => rendition.name), progressSpan: spans.rest });
      await origin.recordRenditions({ videoId, renditions: others });
      renditions.push(...others);
    }
    finished = true;
    await reporter;
    await origin.markReady({ videoId, thumbnailKey: previews.thumbnailKey });
    log.info('transcode finished', { videoId, renditions: renditions.map((rendition) => rendition.name) });
    return { ...probe, renditions, thumbnailKey: previews.thumbnailKey };
  } catch (error) {
    finished = true;
    const reason = failureReason(error);
    log.warn('transcode failed', { videoId, reason });
    await removeOutputs({ videoId }).catch((cleanupError: unknown) => log.error('partial outputs not removed', { videoId, error: String(cleanupError) }));
    await origin.markFailed({ videoId, reason });
    throw ApplicationFailure.create({
      message: `video ${videoId} cannot be transcoded: ${reason}`,
      type: failureType(error),
      nonRetryable: true,
      cause: error instanceof Error ? error : undefined,
    });
  }
}
