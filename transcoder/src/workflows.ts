import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { TranscodeActivities } from './activities/index.ts';
import type { TranscodeVideoInput, TranscodeVideoResult } from './contract.ts';

const { probeSource } = proxyActivities<TranscodeActivities>({
  startToCloseTimeout: '2 minutes',
  // Network blips and a missing ffprobe get retried; bad inputs fail at once (non-retryable failures).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Workflow `video-{videoId}`: probe the source. The ladder encoding and thumbnails come next;
 * for now the workflow ends after probing and returns what the probe found.
 */
export async function transcodeVideo(input: TranscodeVideoInput): Promise<TranscodeVideoResult> {
  const { videoId } = input;
  log.info('transcode started', { videoId, sourceKey: input.sourceKey });
  try {
    const probe = await probeSource(input);
    log.info('transcode finished after probe', { videoId, ...probe });
    return probe;
  } catch (error) {
    // Surface the activity's reason as the workflow's own failure, so the origin can record it as is.
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) {
      log.warn('source rejected', { videoId, reason: error.cause.message });
      throw ApplicationFailure.create({
        message: `video ${videoId} cannot be transcoded: ${error.cause.message}`,
        type: error.cause.type ?? undefined,
        nonRetryable: true,
        cause: error,
      });
    }
    throw error;
  }
}
