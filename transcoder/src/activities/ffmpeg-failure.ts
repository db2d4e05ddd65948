import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes } from '../../../contracts/transcode.ts';
import { limitFailureReason, limitHit, type ResourceLimits } from '../ffmpeg/resource-limits.ts';
import type { FfmpegRun } from '../ffmpeg/run-ffmpeg.ts';

/**
 * Throws what an unsuccessful encode means: cancelled, FFmpeg missing (retry once installed), a source it cannot
 * decode or that drove FFmpeg past its memory or CPU limit (non-retryable), or anything else (retried). Returns on a
 * clean exit. Reasons never carry the signed URL.
 */
export function throwUnlessEncoded(result: FfmpegRun, context: { ffmpegPath: string; input: string; sourceKey: string; log: Logger; limits?: ResourceLimits }): void {
  if (result.kind === 'aborted') throw new Error('encode cancelled');
  if (result.kind === 'could-not-run') throw new Error(`ffmpeg could not run at "${context.ffmpegPath}" (${result.message}) — install ffmpeg or set FFMPEG_PATH`);
  if (result.exitCode === 0) return;
  const stderr = result.stderrTail.replaceAll(context.input, context.sourceKey);
  context.log.warn({ exitCode: result.exitCode, signal: result.signal, cpuSeconds: result.cpuSeconds, stderr }, 'ffmpeg failed');
  const limit = limitHit({ signal: result.signal, stderr, exitCode: result.exitCode, cpuSeconds: result.cpuSeconds }, context.limits ?? {});
  if (limit) {
    context.log.warn({ limit: limit.text, limits: context.limits }, 'ffmpeg stopped by its limit');
    throw ApplicationFailure.nonRetryable(limitFailureReason('FFmpeg', limit), sourceFailureTypes.beyondLimits);
  }
  if (/Invalid data found when processing input|could not find codec parameters/i.test(stderr)) {
    throw ApplicationFailure.nonRetryable(`FFmpeg cannot decode it (${stderr.split('\n').at(-1)})`, sourceFailureTypes.notAVideo);
  }
  throw new Error(`ffmpeg exited with ${result.exitCode}: ${stderr.split('\n').slice(-3).join(' | ')}`);
}
