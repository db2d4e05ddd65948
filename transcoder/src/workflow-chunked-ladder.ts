// Workflow code (deterministic, runs in the workflow sandbox): READY through chunks encoded across workers.
import { ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { EncodeRenditionsInput, LadderPass } from './activities/encode-renditions.ts';
import type { TranscodeActivities } from './activities/index.ts';
import type { JoinedRendition } from './activities/publish-joined.ts';
import { joinChunkSegments } from './chunks/join-chunks.ts';
import { planChunks } from './chunks/plan-chunks.ts';
import { playableTaskQueue } from '../../contracts/transcode.ts';

const retryEncode = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 4 } as const;
const { scanKeyframes, publishJoined } = proxyActivities<TranscodeActivities>({
  taskQueue: playableTaskQueue,
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
// Any transcoder worker may take any chunk; a killed worker's chunk stops heartbeating and is retried elsewhere.
const { encodeChunk, encodeRenditions } = proxyActivities<TranscodeActivities>({ startToCloseTimeout: '2 hours', heartbeatTimeout: '20 seconds', retry: retryEncode });

/**
 * The READY pass of a long source in chunks: key frames scanned, chunks planned at them, every chunk an activity on
 * `vora-transcode` (as many at once as workers have ladder slots), previews from key frames alone beside them, then
 * each rung's chunks joined into one continuous VOD playlist.
 */
export async function chunkedLadder(
  input: Omit<EncodeRenditionsInput, 'progressSpan' | 'keyframesOnly'>, chunkSeconds: number, onProgress: (fraction: number) => void,
): Promise<LadderPass> {
  const { videoId, sourceKey, plan } = input;
  const keyframes = await scanKeyframes({ videoId, sourceKey });
  const chunks = planChunks(keyframes, input.durationSeconds, { chunkSeconds, minChunkSeconds: plan.segmentSeconds * 2 });
  log.info('chunked encode', { videoId, chunks: chunks.map((chunk) => [chunk.startSeconds, chunk.durationSeconds]) });
  let done = 0;
  const [outputs, previewPass] = await Promise.all([
    Promise.all(chunks.map(async (chunk) => {
      const output = await encodeChunk({ videoId, sourceKey, plan, names: input.names, chunk });
      done += 1;
      onProgress((0.95 * done) / chunks.length);
      return output;
    })),
    encodeRenditions({ ...input, names: [], progressSpan: [0.95, 0.95], keyframesOnly: true }),
  ]);
  const rungs: JoinedRendition[] = input.names.map((name) => {
    const parts = outputs.map((output) => output.renditions.find((rendition) => rendition.name === name)!);
    const joined = joinChunkSegments(name, parts);
    if (!joined.ok) throw ApplicationFailure.nonRetryable(`chunks do not join: ${joined.reason}`, 'ChunkJoinFailed');
    return { name, segments: joined.segments, sizes: Object.assign({}, ...parts.map((part) => part.sizes)) };
  });
  return { renditions: await publishJoined({ videoId, plan, rungs }), previews: previewPass.previews };
}
