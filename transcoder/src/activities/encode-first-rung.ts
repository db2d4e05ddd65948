import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { firstSegmentSignalName, sourceFailureTypes, type PublishedRendition } from '../../../contracts/transcode.ts';
import { ladderArgs } from '../ffmpeg/ladder-args.ts';
import { spanProgress } from '../ffmpeg/progress.ts';
import { renice } from '../ffmpeg/run-ffmpeg.ts';
import type { LadderPlan } from '../ladder/plan-ladder.ts';
import { plannedAverageBandwidth, plannedPeakBandwidth } from '../ladder/planned-bandwidth.ts';
import { mediaPlaylistText } from '../media/media-playlist.ts';
import { playlistSegments, renditionBandwidth } from '../media/rendition-stats.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { putPlaylist } from '../storage/put-playlist.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import { sourceInput } from '../storage/source-input.ts';
import type { EncodeDeps } from './encode-renditions.ts';
import { encodeWhilePublishing } from './encode-while-publishing.ts';
import { encodeCpuSeconds } from '../ffmpeg/resource-limits.ts';
import { throwUnlessEncoded } from './ffmpeg-failure.ts';
import { currentWorkflowId } from './workflow-id.ts';
import { publishedRendition, storedPlaylist, storedRendition } from './stored-rendition.ts';
import { freshWorkDir, removeWorkDir } from './work-dir.ts';
import { signalOwnWorkflow } from './workflow-signals.ts';

export interface EncodeFirstRungInput {
  videoId: string;
  sourceKey: string;
  durationSeconds: number;
  plan: LadderPlan;
  /** Which share of the whole job this encode is, for progress. */
  progressSpan: [number, number];
}

/** After the first segment a growing playlist is rewritten at most this often (players reload it every few seconds). */
const playlistRewriteMs = 1_000;

/**
 * Activity `encodeFirstRung` (task queue `vora-playable`): the lowest rung of a source that is not standard input,
 * published progressively. Each closed segment is stored once as FFmpeg writes it; the EVENT playlist (the only
 * object ever rewritten) grows with them. Once init + first segment + playlist are stored, the workflow gets
 * `firstSegmentStored` (it marks the video PLAYABLE) and FFmpeg drops to ladder priority. ENDLIST at the end.
 */
export function createEncodeFirstRung(deps: EncodeDeps) {
  return async function encodeFirstRung(input: EncodeFirstRungInput): Promise<PublishedRendition> {
    const { videoId, plan } = input;
    const rung = plan.renditions[0]!;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'encodeFirstRung', rendition: rung.name });
    const context = Context.current();
    const complete = await storedRendition(deps.storage, videoId, rung, plan.frameRate);
    if (complete) return complete;
    const provisional = publishedRendition(videoId, rung, plan.frameRate, { bandwidth: plannedPeakBandwidth(rung, plan.segmentSeconds), averageBandwidth: plannedAverageBandwidth(rung) });
    // An earlier attempt may have published the start already: its playlist only ever grows, from there.
    const earlier = await storedPlaylist(deps.storage, videoId, rung.name);
    const earlierSegments = earlier === null ? 0 : (() => {
      const parsed = playlistSegments(earlier);
      return parsed.ok ? parsed.segments.length : 0;
    })();
    if (earlierSegments > 0) await signalOwnWorkflow(firstSegmentSignalName, provisional);

    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const workDir = await freshWorkDir(deps.workRoot, videoId, `first-${rung.name}`, [rung.name]);
    const keyPrefix = mediaKeys.rendition(videoId, rung.name, '');
    const playlistKey = `${keyPrefix}playlist.m3u8`;
    const publisher = new RenditionPublisher({ s3: deps.storage.s3, bucket: deps.storage.mediaBucket, keyPrefix, dir: join(workDir, rung.name) });
    const playlist = (ended: boolean) => mediaPlaylistText({ type: 'EVENT', segments: publisher.stored(), mapUri: publisher.initUri, ended, targetSeconds: plan.segmentSeconds });
    let pid: number | undefined;
    let listed = earlierSegments;
    let announced = earlierSegments > 0;
    let rewrittenAt = 0;
    try {
      const startedAt = Date.now();
      const limits = { memoryMb: deps.ffmpegMemoryMb, cpuSeconds: encodeCpuSeconds(input.durationSeconds, deps.ffmpegCpuBudget) };
      const result = await encodeWhilePublishing({
        ffmpeg: {
          ffmpegPath: deps.ffmpegPath,
          limits,
          args: ladderArgs({ source: location, plan, renditions: [rung], outputDir: workDir, preset: deps.x264Preset }),
          signal: context.cancellationSignal,
          onSpawn: (spawned) => (pid = spawned),
          onProgress: ({ outTimeSeconds }) => context.heartbeat({ progress: spanProgress(outTimeSeconds, input.durationSeconds, input.progressSpan), phase: 'first-rung' }),
        },
        publishers: [publisher],
        afterSync: async () => {
          const count = publisher.stored().length;
          if (count <= listed || (announced && Date.now() - rewrittenAt < playlistRewriteMs)) return;
          await putPlaylist(deps.storage, playlistKey, playlist(false), 'grow');
          listed = count;
          rewrittenAt = Date.now();
          if (announced) return;
          announced = true;
          await signalOwnWorkflow(firstSegmentSignalName, provisional);
          log.info({ ms: Date.now() - startedAt }, 'first segment stored: playable');
          if (pid !== undefined && deps.ladderNiceness) renice(pid, deps.ladderNiceness); // the rest is no longer a race
        },
        onFile: () => context.heartbeat({ phase: 'first-rung' }),
        heartbeat: () => context.heartbeat({ phase: 'first-rung' }),
      });
      throwUnlessEncoded(result, { ffmpegPath: deps.ffmpegPath, input: location.input, sourceKey: input.sourceKey, log, limits });
      const segments = publisher.stored();
      if (segments.length < listed) throw new Error(`this attempt stored ${segments.length} segments, fewer than the ${listed} already listed`);
      await putPlaylist(deps.storage, playlistKey, playlist(true), 'grow');
      const bandwidth = renditionBandwidth(segments, (uri) => publisher.sizes.get(uri) ?? 0);
      log.info({ ms: Date.now() - startedAt, segments: segments.length, ...publisher.outcomes, ...bandwidth }, 'first rung stored');
      return publishedRendition(videoId, rung, plan.frameRate, bandwidth);
    } finally {
      await removeWorkDir(workDir);
    }
  };
}
