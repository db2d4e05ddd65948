import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { progressSignalName, sourceFailureTypes, type PublishedRendition, type RenditionName } from '../../../contracts/transcode.ts';
import { ladderArgs } from '../ffmpeg/ladder-args.ts';
import { spanProgress } from '../ffmpeg/progress.ts';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg.ts';
import type { LadderPlan, RenditionPlan } from '../ladder/plan-ladder.ts';
import { playlistSegments, renditionBandwidth } from '../media/rendition-stats.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { uploadRenditionDir } from '../storage/upload-rendition.ts';
import { publishedRendition, storedRendition } from './stored-rendition.ts';
import { currentWorkflowId } from './workflow-id.ts';

export interface EncodeDeps {
  ffmpegPath: string;
  x264Preset: string;
  storage: TranscoderStorage;
  logger: Logger;
  /** Local scratch space; each (video, pass) gets its own directory, wiped when an attempt starts. */
  workRoot?: string;
}

export interface EncodeRenditionsInput {
  videoId: string;
  sourceKey: string;
  durationSeconds: number;
  plan: LadderPlan;
  /** The rungs of this pass (one FFmpeg process for all of them). */
  names: RenditionName[];
  /** Which share of the whole job this pass is, for progress (e.g. [0, 0.25]). */
  progressSpan: [number, number];
}

const progressStep = 0.1; // the workflow (and the DB) hear about every 10 %

/** Tells the workflow how far the job is; best-effort (progress is not worth failing an encode for). */
function signalProgress(progress: number): void {
  try {
    const workflowId = currentWorkflowId();
    if (workflowId) void Context.current().client.workflow.getHandle(workflowId).signal(progressSignalName, progress).catch(() => undefined);
  } catch {
    /* no client outside a worker (unit tests) */
  }
}

/**
 * Activity `encodeRenditions`: one FFmpeg process decodes the source once and encodes the given rungs
 * to fMP4 HLS, then uploads each write-once (playlist last). Heartbeats carry progress; a rung whose
 * playlist is already stored (an earlier attempt finished it) is not encoded again.
 */
export function createEncodeRenditions(deps: EncodeDeps) {
  return async function encodeRenditions(input: EncodeRenditionsInput): Promise<PublishedRendition[]> {
    const { videoId, plan } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'encodeRenditions', renditions: input.names });
    const context = Context.current();
    const wanted = plan.renditions.filter((rendition) => input.names.includes(rendition.name));
    const done: PublishedRendition[] = [];
    const todo: RenditionPlan[] = [];
    for (const rendition of wanted) {
      const stored = await storedRendition(deps.storage, videoId, rendition, plan.frameRate);
      if (stored) done.push(stored);
      else todo.push(rendition);
    }
    if (todo.length === 0) {
      log.info('every rendition of this pass is already stored');
      return done;
    }

    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const workDir = join(deps.workRoot ?? join(tmpdir(), 'vora-transcode'), videoId, todo.map((r) => r.name).join('+'));
    await rm(workDir, { recursive: true, force: true }); // leftovers of a killed attempt
    for (const rendition of todo) await mkdir(join(workDir, rendition.name), { recursive: true });
    try {
      const startedAt = Date.now();
      let signalled = input.progressSpan[0];
      const result = await runFfmpeg({
        ffmpegPath: deps.ffmpegPath,
        args: ladderArgs({ source: location, plan, renditions: todo, outputDir: workDir, preset: deps.x264Preset }),
        signal: context.cancellationSignal,
        onProgress: ({ outTimeSeconds }) => {
          const progress = spanProgress(outTimeSeconds, input.durationSeconds, input.progressSpan);
          context.heartbeat({ progress, phase: 'encode' });
          if (progress >= signalled + progressStep) {
            signalled = progress;
            signalProgress(progress);
          }
        },
      });
      if (result.kind === 'aborted') throw new Error('encode cancelled');
      if (result.kind === 'could-not-run') throw new Error(`ffmpeg could not run at "${deps.ffmpegPath}" (${result.message}) — install ffmpeg or set FFMPEG_PATH`);
      if (result.exitCode !== 0) {
        const stderr = result.stderrTail.replaceAll(location.input, input.sourceKey); // no signed URL in reasons
        log.warn({ exitCode: result.exitCode, stderr }, 'ffmpeg failed');
        if (/Invalid data found when processing input|could not find codec parameters/i.test(stderr)) {
          throw ApplicationFailure.nonRetryable(`FFmpeg cannot decode it (${stderr.split('\n').at(-1)})`, sourceFailureTypes.notAVideo);
        }
        throw new Error(`ffmpeg exited with ${result.exitCode}: ${stderr.split('\n').slice(-3).join(' | ')}`);
      }
      const encodeMs = Date.now() - startedAt;
      for (const rendition of todo) {
        const upload = await uploadRenditionDir(
          deps.storage.s3, deps.storage.mediaBucket, mediaKeys.rendition(videoId, rendition.name, ''), join(workDir, rendition.name),
          () => context.heartbeat({ progress: input.progressSpan[1], phase: 'upload' }),
        );
        const parsed = playlistSegments(await readFile(join(workDir, rendition.name, 'playlist.m3u8'), 'utf8'));
        if (!parsed.ok) throw new Error(`FFmpeg wrote a bad playlist for ${rendition.name}: ${parsed.reason}`);
        const bandwidth = renditionBandwidth(parsed.segments, (uri) => upload.sizes.get(uri) ?? 0);
        done.push(publishedRendition(videoId, rendition, plan.frameRate, bandwidth));
        log.info({ rendition: rendition.name, segments: parsed.segments.length, ...upload.outcomes, ...bandwidth }, 'rendition stored');
      }
      signalProgress(input.progressSpan[1]);
      log.info({ encodeMs, totalMs: Date.now() - startedAt }, 'pass encoded and stored');
      return done.sort((a, b) => a.height * a.width - b.height * b.width);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
}
