import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { sourceFailureTypes, type RenditionName } from '../../../contracts/transcode.ts';
import type { ChunkWindow } from '../chunks/chunk-args.ts';
import type { ChunkRendition } from '../chunks/join-chunks.ts';
import { ladderArgs } from '../ffmpeg/ladder-args.ts';
import type { LadderPlan } from '../ladder/plan-ladder.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import { sourceInput } from '../storage/source-input.ts';
import type { EncodeDeps } from './encode-renditions.ts';
import { encodeWhilePublishing } from './encode-while-publishing.ts';
import { encodeCpuSeconds } from '../ffmpeg/resource-limits.ts';
import { throwUnlessEncoded } from './ffmpeg-failure.ts';
import { currentWorkflowId } from './workflow-id.ts';
import { freshWorkDir, removeWorkDir } from './work-dir.ts';

export interface EncodeChunkInput {
  videoId: string;
  sourceKey: string;
  plan: LadderPlan;
  names: RenditionName[];
  chunk: ChunkWindow;
}

/** What one chunk stored: per rung its segments in order and their stored sizes. */
export interface ChunkOutput {
  chunk: ChunkWindow;
  renditions: (ChunkRendition & { name: RenditionName; sizes: Record<string, number> })[];
}

/**
 * Activity `encodeChunk` (task queue `vora-transcode`, any worker): one piece of a long source, every rung, one FFmpeg
 * at ladder niceness. Segments (`seg_CCCNNNNN.m4s`) are uploaded write-once as they close, init only by chunk 0; no
 * playlist — the workflow joins the chunks. A killed worker's chunk is retried elsewhere and meets its own segments.
 */
export function createEncodeChunk(deps: EncodeDeps) {
  return async function encodeChunk(input: EncodeChunkInput): Promise<ChunkOutput> {
    const { videoId, plan, chunk } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'encodeChunk', chunk: chunk.index });
    const context = Context.current();
    const rungs = plan.renditions.filter((rung) => input.names.includes(rung.name));
    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const workDir = await freshWorkDir(deps.workRoot, videoId, `chunk-${chunk.index}`, rungs.map((rung) => rung.name));
    const publishers = rungs.map((rung) => new RenditionPublisher({
      s3: deps.storage.s3, bucket: deps.storage.mediaBucket, keyPrefix: mediaKeys.rendition(videoId, rung.name, ''), dir: join(workDir, rung.name), withInit: chunk.index === 0,
    }));
    try {
      const startedAt = Date.now();
      const limits = { memoryMb: deps.ffmpegMemoryMb, cpuSeconds: encodeCpuSeconds(chunk.durationSeconds, deps.ffmpegCpuBudget) };
      const result = await encodeWhilePublishing({
        ffmpeg: {
          ffmpegPath: deps.ffmpegPath,
          limits,
          args: ladderArgs({ source: location, plan, renditions: rungs, outputDir: workDir, preset: deps.x264Preset, chunk }),
          signal: context.cancellationSignal,
          niceness: deps.ladderNiceness,
          onProgress: ({ outTimeSeconds }) => context.heartbeat({ phase: 'chunk', seconds: outTimeSeconds }),
        },
        publishers,
        onFile: () => context.heartbeat({ phase: 'upload' }),
        heartbeat: () => context.heartbeat({ phase: 'running' }),
      });
      throwUnlessEncoded(result, { ffmpegPath: deps.ffmpegPath, input: location.input, sourceKey: input.sourceKey, log, limits });
      log.info({ ms: Date.now() - startedAt, seconds: chunk.durationSeconds }, 'chunk encoded and stored');
      return {
        chunk,
        renditions: rungs.map((rung, index) => ({ name: rung.name, chunk, segments: publishers[index]!.stored(), sizes: Object.fromEntries(publishers[index]!.sizes) })),
      };
    } finally {
      await removeWorkDir(workDir);
    }
  };
}
