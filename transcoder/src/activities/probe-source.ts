import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes, type SourceProbe, type TranscodeVideoInput } from '../../../contracts/transcode.ts';
import { limitFailureReason, limitHit } from '../ffmpeg/resource-limits.ts';
import { classifyFfprobeFailure, truncationReason } from '../probe/ffprobe-command.ts';
import { judgeMediaLimits } from '../probe/media-limits.ts';
import { parseFfprobeOutput } from '../probe/parse-ffprobe-output.ts';
import { runFfprobe } from '../probe/run-ffprobe.ts';
import { parseSourceScan, sourceScanArgs } from '../probe/source-scan.ts';
import { standardInputVerdict } from '../probe/standard-input.ts';
import { sourceInput } from '../storage/source-input.ts';
import { currentWorkflowId } from './workflow-id.ts';

export interface ProbeSourceDeps {
  ffprobePath: string;
  ffprobeTimeoutMs: number;
  /** Memory limit of ffprobe, MiB (0 or absent = none). */
  ffprobeMemoryMb?: number;
  logger: Logger;
  /** Presigns reads of `vora-raw` keys; without it only paths and URLs are accepted. */
  presignRaw?: (key: string, expiresSeconds: number) => string;
}

/**
 * Activity `probeSource`: ffprobe the source (and scan its first 30 s) and describe it, with the standard-input
 * verdict; inputs no retry can fix fail non-retryably, and so do sources beyond the media limits (`probe/media-limits.ts`):
 * huge pictures, absurd frame rates, hundreds of streams, huge metadata or attachments, hours claimed by a few bytes.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createProbeSource(deps: ProbeSourceDeps) {
  return async function probeSource({ videoId, sourceKey }: TranscodeVideoInput): Promise<SourceProbe> {
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'probeSource' });
    const location = sourceInput(sourceKey, deps.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);

    const startedAt = Date.now();
    const limits = { memoryMb: deps.ffprobeMemoryMb };
    const outcome = await runFfprobe(deps.ffprobePath, sourceScanArgs(location), deps.ffprobeTimeoutMs, limits);
    if (outcome.kind === 'could-not-run') {
      log.error({ ffprobePath: deps.ffprobePath, error: outcome.message }, 'ffprobe could not run');
      throw new Error(`ffprobe could not run at "${deps.ffprobePath}" (${outcome.message}) — install ffmpeg or set FFPROBE_PATH`);
    }
    if (outcome.kind === 'timed-out') {
      log.warn({ afterMs: outcome.afterMs }, 'ffprobe timed out');
      throw new Error(`ffprobe gave no answer within ${outcome.afterMs} ms for ${sourceKey}`);
    }
    if (outcome.kind === 'too-much-output') {
      const reason = `it is beyond what Vora transcodes: ffprobe's description of it is over ${outcome.maxOutputBytes / 1024 / 1024} MiB (thousands of streams or huge metadata)`;
      log.warn({ reason }, 'source beyond limits');
      throw ApplicationFailure.nonRetryable(reason, sourceFailureTypes.beyondLimits);
    }
    const limit = outcome.exitCode !== 0 && limitHit({ signal: outcome.signal, stderr: outcome.stderr }, limits);
    if (limit) {
      log.warn({ exitCode: outcome.exitCode, signal: outcome.signal, limit: limit.text }, 'ffprobe stopped by its limit');
      throw ApplicationFailure.nonRetryable(limitFailureReason('ffprobe', limit), sourceFailureTypes.beyondLimits);
    }
    if (outcome.exitCode !== 0) {
      // A presigned URL carries a signature, and the key is the upload id the API keeps private:
      // reasons (which reach the DB, the API and Kafka) say "the uploaded file" instead.
      const failure = classifyFfprobeFailure(outcome.stderr.replaceAll(location.input, 'the uploaded file'));
      log.warn({ exitCode: outcome.exitCode, reason: failure.reason, retryable: failure.retryable }, 'ffprobe rejected the source');
      if (!failure.retryable) throw ApplicationFailure.nonRetryable(failure.reason, failure.type);
      throw new Error(`ffprobe failed on ${sourceKey}: ${failure.reason}`);
    }

    const truncated = truncationReason(outcome.stderr);
    if (truncated) {
      log.warn({ reason: truncated }, 'source is truncated');
      throw ApplicationFailure.nonRetryable(truncated, sourceFailureTypes.notAVideo);
    }
    const withinLimits = judgeMediaLimits(parseJson(outcome.stdout));
    if (!withinLimits.ok) {
      log.warn({ reason: withinLimits.reason }, 'source beyond limits');
      throw ApplicationFailure.nonRetryable(withinLimits.reason, sourceFailureTypes.beyondLimits);
    }
    const parsed = parseFfprobeOutput(outcome.stdout);
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason }, 'source is not a video');
      throw ApplicationFailure.nonRetryable(parsed.reason, sourceFailureTypes.notAVideo);
    }
    const scan = parseSourceScan(outcome.stdout, parsed.probe.durationSeconds);
    const standardInput = scan.ok ? standardInputVerdict(scan.scan) : { standard: false as const, reasons: [scan.reason] };
    const probe = { ...parsed.probe, standardInput };
    log.info({ ...probe, ms: Date.now() - startedAt }, 'source probed');
    return probe;
  };
}
