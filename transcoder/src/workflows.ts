import { ActivityCancellationType, ActivityFailure, ApplicationFailure, CancellationScope, condition, defineSignal, isCancellation, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { TranscodeActivities } from './activities/index.ts';
import {
  captionsTaskQueue,
  firstSegmentSignalName,
  originTaskQueue,
  playableTaskQueue,
  progressSignalName,
  type AutoCaptionsOutcome,
  type OriginActivities,
  type PublishedRendition,
  type SourceProbe,
  type TranscodeVideoInput,
  type TranscodeVideoResult,
} from '../../contracts/transcode.ts';
import { chunkLengthFor } from './chunks/chunk-policy.ts';
import { planLadder, type LadderPlan } from './ladder/plan-ladder.ts';
import { chunkedLadder } from './workflow-chunked-ladder.ts';

const retryEncode = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 4 } as const;

// PLAYABLE work has its own task queue and worker slots: it never waits behind another video's ladder.
const { probeSource } = proxyActivities<TranscodeActivities>({
  taskQueue: playableTaskQueue,
  startToCloseTimeout: '2 minutes',
  // Network blips and a missing ffprobe get retried; bad inputs fail at once (non-retryable failures).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
const { publishSource, encodeFirstRung } = proxyActivities<TranscodeActivities>({
  taskQueue: playableTaskQueue,
  startToCloseTimeout: '6 hours',
  // A worker killed mid-copy or mid-encode stops heartbeating: after 20 s another attempt starts, on any worker.
  heartbeatTimeout: '20 seconds',
  retry: retryEncode,
  // A failed video waits for its first rung to stop before removing outputs, so nothing is written after the removal.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const { removeOutputs } = proxyActivities<TranscodeActivities>({
  taskQueue: playableTaskQueue,
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
// The single pass for READY runs on the workflow's own queue, `vora-transcode`.
const { encodeRenditions } = proxyActivities<TranscodeActivities>({ startToCloseTimeout: '6 hours', heartbeatTimeout: '20 seconds', retry: retryEncode });

// Speech recognition has its own queue and slots; a crashed engine is tried once more, then recorded as failed.
const { generateCaptions } = proxyActivities<TranscodeActivities>({
  taskQueue: captionsTaskQueue,
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 2 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

// The origin's DB may be briefly away (a restart): keep trying for a while rather than lose a finished encode.
const origin = proxyActivities<OriginActivities>({
  taskQueue: originTaskQueue,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const progressSignal = defineSignal<[number]>(progressSignalName);
export const firstSegmentSignal = defineSignal<[PublishedRendition]>(firstSegmentSignalName);

/** The reason a failure gives to people: the source's fault in its own words, or what kept failing. */
function failureReason(error: unknown): string {
  if (isCancellation(error)) return 'the transcode was cancelled (the video was deleted, or an operator stopped its workflow)';
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) return error.cause.message;
  if (error instanceof ApplicationFailure) return error.message;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return `transcoding failed after retries: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function failureType(error: unknown): string {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return (failure instanceof ApplicationFailure && failure.type) || 'TranscodeFailed';
}

/** The progressive first rung, which may still run when the video fails: cancelled, and awaited, before cleanup. */
interface FirstRungHandle {
  scope: CancellationScope;
  running?: Promise<unknown>;
}

/**
 * Automatic captions, when the upload or the channel asks for them: the speech engine beside the ladder, its
 * outcome recorded by the origin (a generated track, or why there is none). Never throws for the video's sake:
 * only a cancellation (the video failed or was deleted) ends it early.
 */
async function automaticCaptions(input: TranscodeVideoInput, probe: SourceProbe): Promise<void> {
  const { videoId, sourceKey } = input;
  try {
    const plan = await origin.autoCaptionsPlan({ videoId });
    if (!plan) return;
    let outcome: AutoCaptionsOutcome;
    if (!probe.hasAudio) outcome = { state: 'skipped', language: plan.language, reason: 'the video has no audio' };
    else {
      try {
        outcome = await generateCaptions({ videoId, sourceKey, language: plan.language, durationSeconds: probe.durationSeconds });
      } catch (error) {
        if (isCancellation(error)) throw error;
        outcome = { state: 'failed', language: plan.language, reason: failureReason(error) };
      }
    }
    if (outcome.state !== 'generated') log.warn('no automatic captions', { videoId, state: outcome.state, reason: outcome.reason });
    await origin.recordAutoCaptions({ videoId, outcome });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.error('automatic captions not recorded', { videoId, error: String(error) });
  }
}

/** How the video became PLAYABLE, and what is still running for READY. */
type FirstRendition =
  | { path: 'src'; rendition: PublishedRendition }
  | { path: 'progressive'; rendition: PublishedRendition; complete: Promise<PublishedRendition> };

/**
 * Standard input: `src`, the source stream-copied, published whole. Anything else, or a copy abandoned on a bad
 * timeline: the lowest rung encoded progressively, PLAYABLE on its first stored segment (signal `firstSegmentStored`).
 */
async function publishFirstRendition(
  input: TranscodeVideoInput, probe: SourceProbe, plan: LadderPlan, onFirstSegment: () => PublishedRendition | null, firstRung: FirstRungHandle,
): Promise<FirstRendition> {
  const { videoId, sourceKey } = input;
  const verdict = probe.standardInput;
  if (verdict?.standard) {
    const copy = await publishSource({
      videoId, sourceKey, width: probe.width, height: probe.height, frameRate: plan.frameRate, hasAudio: probe.hasAudio, codecs: verdict.codecs, segmentSeconds: plan.segmentSeconds,
    });
    if (copy.published) return { path: 'src', rendition: copy.rendition };
    log.warn('standard input could not be copied: encoding the first rung', { videoId, reason: copy.reason });
  } else {
    log.info('not standard input: progressive first rung', { videoId, reasons: verdict?.reasons ?? ['probed by an older worker'] });
  }
  let settled = false;
  // It keeps running (encoding the rest of the rung) beside the single pass; cancelled if the video fails.
  const complete = firstRung.scope.run(() => encodeFirstRung({ videoId, sourceKey, durationSeconds: probe.durationSeconds, plan, progressSpan: [0, 0.05] }));
  firstRung.running = complete;
  const watched = complete.then((rendition) => rendition, (error: unknown) => error as Error).finally(() => (settled = true));
  await condition(() => settled || onFirstSegment() !== null);
  const first = onFirstSegment() ?? (await watched);
  if (first instanceof Error) throw first;
  return { path: 'progressive', rendition: first, complete };
}

/**
 * Workflow `video-{videoId}`: probe → (origin accepts) → a first rendition → PLAYABLE → one single pass (every
 * rung not yet published, thumbnail, storyboard) → READY. Any final failure removes the partial outputs and marks
 * the video FAILED with a reason.
 */
export async function transcodeVideo(input: TranscodeVideoInput): Promise<TranscodeVideoResult> {
  const { videoId, sourceKey } = input;
  let latestProgress = 0;
  let reportedProgress = 0;
  let finished = false;
  let firstSegment: PublishedRendition | null = null;
  setHandler(progressSignal, (progress) => {
    latestProgress = Math.max(latestProgress, Math.min(1, progress));
  });
  setHandler(firstSegmentSignal, (rendition) => {
    firstSegment ??= rendition;
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
  // A cancelled workflow ends the reporter with a CancelledFailure: handled here, the failure path below does the rest.
  reporter.catch(() => undefined);

  log.info('transcode started', { videoId, sourceKey });
  const firstRung: FirstRungHandle = { scope: new CancellationScope() };
  const captionsScope = new CancellationScope();
  let captions: Promise<void> | undefined;
  try {
    const probe = await probeSource(input);
    const verdict = await origin.acceptProbe({ videoId, probe });
    if (!verdict.accepted) throw ApplicationFailure.nonRetryable(verdict.reason, 'SourceRefused');
    const plan = planLadder(probe);

    const first = await publishFirstRendition(input, probe, plan, () => firstSegment, firstRung);
    await origin.recordRenditions({ videoId, renditions: [first.rendition] });
    await origin.markPlayable({ videoId });
    log.info('playable', { videoId, via: first.path });
    // Beside the ladder, on its own queue; READY never waits for it (it is awaited only after markReady).
    if (patched('auto-captions')) {
      captions = captionsScope.run(() => automaticCaptions(input, probe));
      captions.catch(() => undefined); // only a cancellation rejects it, handled where it is awaited
    }

    const ladderNames = plan.renditions.map((rung) => rung.name).filter((name) => first.path === 'src' || name !== first.rendition.name);
    const ladder = { videoId, sourceKey, durationSeconds: probe.durationSeconds, plan, names: ladderNames, previews: { width: probe.width, height: probe.height } };
    const chunkSeconds = ladderNames.length > 0 ? chunkLengthFor(probe.durationSeconds, input.chunkSeconds) : null;
    const pass = chunkSeconds === null
      ? await encodeRenditions({ ...ladder, progressSpan: [0, 0.95] })
      : await chunkedLadder(ladder, chunkSeconds, (fraction) => (latestProgress = Math.max(latestProgress, fraction)));
    const renditions = [...pass.renditions];
    if (first.path === 'progressive') {
      const measured = await first.complete;
      await origin.updateRenditionBandwidth({ videoId, name: measured.name, bandwidth: measured.bandwidth, averageBandwidth: measured.averageBandwidth });
      renditions.unshift(measured);
    }
    await origin.recordRenditions({ videoId, renditions: pass.renditions });
    finished = true;
    await reporter;
    const thumbnailKey = pass.previews!.thumbnailKey;
    await origin.markReady({ videoId, thumbnailKey });
    log.info('transcode finished', { videoId, renditions: renditions.map((rendition) => rendition.name) });
    await captions;
    return { ...probe, renditions, thumbnailKey };
  } catch (error) {
    finished = true;
    const reason = failureReason(error);
    log.warn('transcode failed', { videoId, reason });
    // Cleanup runs even when the workflow itself was cancelled: the first rung stops before its outputs are removed.
    await CancellationScope.nonCancellable(async () => {
      firstRung.scope.cancel();
      await firstRung.running?.catch(() => undefined);
      // Captions stop before the outputs go, so their WebVTT is not written after the removal.
      captionsScope.cancel();
      await captions?.catch(() => undefined);
      await removeOutputs({ videoId }).catch((cleanupError: unknown) => log.error('partial outputs not removed', { videoId, error: String(cleanupError) }));
      await origin.markFailed({ videoId, reason });
    });
    throw ApplicationFailure.create({
      message: `video ${videoId} cannot be transcoded: ${reason}`,
      type: failureType(error),
      nonRetryable: true,
      cause: error instanceof Error ? error : undefined,
    });
  }
}
export { liveBroadcast } from './live/live-workflow.ts';
