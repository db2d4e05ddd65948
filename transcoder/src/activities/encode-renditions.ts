import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes, type PublishedRendition, type RenditionName } from '../../../contracts/transcode.ts';
import { ladderArgs } from '../ffmpeg/ladder-args.ts';
import { spanProgress } from '../ffmpeg/progress.ts';
import type { LadderPlan, RenditionPlan } from '../ladder/plan-ladder.ts';
import { mediaPlaylistText } from '../media/media-playlist.ts';
import { renditionBandwidth } from '../media/rendition-stats.ts';
import { storyboardLayout, storyboardVtt } from '../media/storyboard.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { mediaContentType, putOnce } from '../storage/put-once.ts';
import { putPlaylist } from '../storage/put-playlist.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { encodeWhilePublishing } from './encode-while-publishing.ts';
import { encodeCpuSeconds, type CpuBudget } from '../ffmpeg/resource-limits.ts';
import { throwUnlessEncoded } from './ffmpeg-failure.ts';
import { currentWorkflowId } from './workflow-id.ts';
import { publishedRendition, storedRendition } from './stored-rendition.ts';
import { freshWorkDir, removeWorkDir } from './work-dir.ts';
import { signalProgress } from './workflow-signals.ts';

export interface EncodeDeps {
  ffmpegPath: string;
  x264Preset: string;
  storage: TranscoderStorage;
  logger: Logger;
  /** Local scratch space; each (video, pass) gets its own directory, wiped when an attempt starts. */
  workRoot?: string;
  /** Niceness of ladder FFmpeg processes (and of a first rung once it is playable), so PLAYABLE work gets the CPU first. */
  ladderNiceness?: number;
  /** Memory limit of each FFmpeg, MiB (0 or absent = none). */
  ffmpegMemoryMb?: number;
  /** CPU limit of each encode, following the source's duration (absent = the default budget). */
  ffmpegCpuBudget?: CpuBudget;
}

export interface EncodeRenditionsInput {
  videoId: string;
  sourceKey: string;
  durationSeconds: number;
  plan: LadderPlan;
  /** The rungs of this pass (one FFmpeg process for all of them); may be empty when only previews are wanted. */
  names: RenditionName[];
  /** Which share of the whole job this pass is, for progress (e.g. [0.05, 0.95]). */
  progressSpan: [number, number];
  /** The source picture, for the thumbnail and storyboard made in the same process; absent: no previews. */
  previews?: { width: number; height: number };
  /** Decode key frames only (previews alone, beside a chunked encode). */
  keyframesOnly?: boolean;
}

export interface Previews {
  thumbnailKey: string;
  storyboardKey: string;
  storyboardVttKey: string;
}

export interface LadderPass {
  renditions: PublishedRendition[];
  previews: Previews | null;
}

const progressStep = 0.1; // the workflow (and the DB) hear about every 10 %

async function previewsStored(storage: TranscoderStorage, keys: Previews): Promise<boolean> {
  for (const key of [keys.thumbnailKey, keys.storyboardKey, keys.storyboardVttKey]) {
    try {
      await storage.s3.send(new HeadObjectCommand({ Bucket: storage.mediaBucket, Key: key }));
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  }
  return true;
}

/**
 * Activity `encodeRenditions`, the single pass for READY (task queue `vora-transcode`): one FFmpeg process decodes
 * the source once and encodes the given rungs plus the thumbnail and storyboard, at ladder niceness. Each closed
 * segment is uploaded while it encodes; each rung's VOD playlist is written once, after its last segment. A rung
 * whose playlist is already stored (an earlier attempt finished it) is not encoded again.
 */
export function createEncodeRenditions(deps: EncodeDeps) {
  return async function encodeRenditions(input: EncodeRenditionsInput): Promise<LadderPass> {
    const { videoId, plan } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'encodeRenditions', renditions: input.names });
    const context = Context.current();
    const done: PublishedRendition[] = [];
    const todo: RenditionPlan[] = [];
    for (const rendition of plan.renditions.filter((rung) => input.names.includes(rung.name))) {
      const stored = await storedRendition(deps.storage, videoId, rendition, plan.frameRate);
      if (stored) done.push(stored);
      else todo.push(rendition);
    }
    const previewKeys: Previews = { thumbnailKey: mediaKeys.thumbnail(videoId), storyboardKey: mediaKeys.storyboard(videoId), storyboardVttKey: mediaKeys.storyboardVtt(videoId) };
    const wantPreviews = input.previews !== undefined && !(await previewsStored(deps.storage, previewKeys));
    const previews = input.previews ? previewKeys : null;
    if (todo.length === 0 && !wantPreviews) {
      log.info('every output of this pass is already stored');
      return { renditions: done, previews };
    }

    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const workDir = await freshWorkDir(deps.workRoot, videoId, 'ladder', todo.map((rung) => rung.name));
    const publishers = todo.map((rung) => new RenditionPublisher({
      s3: deps.storage.s3, bucket: deps.storage.mediaBucket, keyPrefix: mediaKeys.rendition(videoId, rung.name, ''), dir: join(workDir, rung.name),
    }));
    const files = { thumbnail: join(workDir, 'thumbnail.jpg'), storyboard: join(workDir, 'storyboard.jpg'), vtt: join(workDir, 'storyboard.vtt') };
    const picture = input.previews;
    const layout = picture ? storyboardLayout(input.durationSeconds, picture.width, picture.height) : null;
    const previewOptions = picture && layout && wantPreviews
      ? { durationSeconds: input.durationSeconds, layout, thumbnailHeight: Math.min(720, picture.height - (picture.height % 2)), thumbnailPath: files.thumbnail, storyboardPath: files.storyboard }
      : undefined;
    try {
      const startedAt = Date.now();
      const limits = { memoryMb: deps.ffmpegMemoryMb, cpuSeconds: encodeCpuSeconds(input.durationSeconds, deps.ffmpegCpuBudget) };
      let signalled = input.progressSpan[0];
      const result = await encodeWhilePublishing({
        ffmpeg: {
          ffmpegPath: deps.ffmpegPath,
          limits,
          args: ladderArgs({ source: location, plan, renditions: todo, outputDir: workDir, preset: deps.x264Preset, previews: previewOptions, keyframesOnly: input.keyframesOnly }),
          signal: context.cancellationSignal,
          niceness: deps.ladderNiceness,
          onProgress: ({ outTimeSeconds }) => {
            const progress = spanProgress(outTimeSeconds, input.durationSeconds, input.progressSpan);
            context.heartbeat({ progress, phase: 'encode' });
            if (progress >= signalled + progressStep) {
              signalled = progress;
              signalProgress(progress);
            }
          },
        },
        publishers,
        onFile: () => context.heartbeat({ phase: 'upload' }),
        heartbeat: () => context.heartbeat({ phase: 'running' }),
      });
      throwUnlessEncoded(result, { ffmpegPath: deps.ffmpegPath, input: location.input, sourceKey: input.sourceKey, log, limits });
      const encodeMs = Date.now() - startedAt;
      for (const [index, rung] of todo.entries()) {
        const publisher = publishers[index]!;
        const segments = publisher.stored();
        if (segments.length === 0) throw new Error(`FFmpeg wrote no segment for ${rung.name}`);
        // Playlists last: a stored playlist means a complete rung.
        await putPlaylist(deps.storage, mediaKeys.playlist(videoId, rung.name), mediaPlaylistText({ type: 'VOD', segments, mapUri: publisher.initUri, ended: true }), 'once');
        const bandwidth = renditionBandwidth(segments, (uri) => publisher.sizes.get(uri) ?? 0);
        done.push(publishedRendition(videoId, rung, plan.frameRate, bandwidth));
        log.info({ rendition: rung.name, segments: segments.length, ...publisher.outcomes, ...bandwidth }, 'rendition stored');
      }
      if (previewOptions && layout) {
        await writeFile(files.vtt, storyboardVtt(layout, input.durationSeconds, 'storyboard.jpg'));
        // The VTT names the sprite, so the sprite goes first.
        await putOnce(deps.storage.s3, deps.storage.mediaBucket, previewKeys.thumbnailKey, files.thumbnail, mediaContentType('thumbnail.jpg'));
        await putOnce(deps.storage.s3, deps.storage.mediaBucket, previewKeys.storyboardKey, files.storyboard, mediaContentType('storyboard.jpg'));
        await putOnce(deps.storage.s3, deps.storage.mediaBucket, previewKeys.storyboardVttKey, files.vtt, mediaContentType('storyboard.vtt'));
      }
      signalProgress(input.progressSpan[1]);
      log.info({ encodeMs, totalMs: Date.now() - startedAt, previews: Boolean(previewOptions) }, 'single pass encoded and stored');
      return { renditions: done.sort((a, b) => a.height * a.width - b.height * b.width), previews };
    } finally {
      await removeWorkDir(workDir);
    }
  };
}
