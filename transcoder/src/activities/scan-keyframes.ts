import { execFile } from 'node:child_process';
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes } from '../../../contracts/transcode.ts';
import { keyframeScanArgs, parseKeyframeCrc } from '../chunks/keyframe-scan.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { currentWorkflowId } from './workflow-id.ts';

/** Activity `scanKeyframes` (task queue `vora-playable`): the key-frame times of the whole source, where chunks may start. */
export function createScanKeyframes(deps: { ffmpegPath: string; storage: TranscoderStorage; logger: Logger }) {
  return async function scanKeyframes({ videoId, sourceKey }: { videoId: string; sourceKey: string }): Promise<number[]> {
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'scanKeyframes' });
    const location = sourceInput(sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const startedAt = Date.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(deps.ffmpegPath, keyframeScanArgs(location), { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, out, stderr) => {
        if (error) reject(new Error(`key-frame scan failed: ${String(stderr || error.message).replaceAll(location.input, sourceKey).trim().split('\n').slice(-2).join(' | ')}`));
        else resolve(out);
      });
    });
    const parsed = parseKeyframeCrc(stdout);
    if (!parsed.ok) throw new Error(`key-frame scan of ${sourceKey}: ${parsed.reason}`);
    log.info({ keyframes: parsed.keyframes.length, ms: Date.now() - startedAt }, 'key frames scanned');
    return parsed.keyframes;
  };
}
