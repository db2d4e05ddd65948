import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes, type PublishedRendition } from '../../../contracts/transcode.ts';
import { copyWarningIsFatal, sourceCopyArgs } from '../ffmpeg/source-copy-args.ts';
import { mediaPlaylistText } from '../media/media-playlist.ts';
import { renditionBandwidth } from '../media/rendition-stats.ts';
import { standardLimits } from '../probe/standard-input.ts';
import { deleteMediaPrefix } from '../storage/delete-prefix.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { mediaContentType, putBodyOnce } from '../storage/put-once.ts';
import { RenditionPublisher } from '../storage/rendition-publisher.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { encodeWhilePublishing } from './encode-while-publishing.ts';
import { currentWorkflowId } from './workflow-id.ts';
import { publishedRendition, storedRendition } from './stored-rendition.ts';
import { freshWorkDir, removeWorkDir } from './work-dir.ts';

export interface PublishSourceDeps {
  ffmpegPath: string;
  /** Memory limit of the copying FFmpeg, MiB (0 or absent = none). */
  ffmpegMemoryMb?: number;
  storage: TranscoderStorage;
  logger: Logger;
  workRoot?: string;
}

export interface PublishSourceInput {
  videoId: string;
  sourceKey: string;
  width: number;
  height: number;
  frameRate: number;
  hasAudio: boolean;
  /** RFC 6381 codecs of the copy, from the standard-input verdict. */
  codecs: string;
  segmentSeconds: number;
}

/** `src` published, or why the copy was abandoned (the workflow then encodes the first rung instead). */
export type SourcePublication = { published: true; rendition: PublishedRendition } | { published: false; reason: string };

// Network trouble is worth a retry; anything else FFmpeg says about the source sends the video down the encode path.
const transient = /Connection refused|Connection reset|timed out|Server returned 5\d\d|I\/O error/i;

/**
 * Activity `publishSource` (task queue `vora-playable`): stream-copies standard input into the fMP4 HLS rendition
 * `src`, uploading segments as they close, then writes its VOD playlist once. Segments longer than the key-frame
 * limit or a timeline FFmpeg complains about abandon the copy: its segments, which no playlist names, are deleted.
 */
export function createPublishSource(deps: PublishSourceDeps) {
  return async function publishSource(input: PublishSourceInput): Promise<SourcePublication> {
    const { videoId } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'publishSource' });
    const context = Context.current();
    const shape = { name: 'src' as const, width: input.width, height: input.height, codecs: input.codecs };
    const earlier = await storedRendition(deps.storage, videoId, shape, input.frameRate);
    if (earlier) return { published: true, rendition: earlier };
    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);

    const keyPrefix = mediaKeys.rendition(videoId, 'src', '');
    const workDir = await freshWorkDir(deps.workRoot, videoId, 'src');
    const publisher = new RenditionPublisher({ s3: deps.storage.s3, bucket: deps.storage.mediaBucket, keyPrefix, dir: workDir, parallelPuts: 8 });
    const stop = new AbortController();
    let problem: string | null = null;
    const abandon = (reason: string) => {
      problem ??= reason;
      stop.abort();
    };
    const onCancel = () => stop.abort();
    context.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    try {
      const startedAt = Date.now();
      const result = await encodeWhilePublishing({
        ffmpeg: {
          ffmpegPath: deps.ffmpegPath,
          limits: { memoryMb: deps.ffmpegMemoryMb },
          args: sourceCopyArgs({ source: location, hasAudio: input.hasAudio, outputDir: workDir, segmentSeconds: input.segmentSeconds }),
          signal: stop.signal,
          onStderrLine: (line) => copyWarningIsFatal(line) && abandon(`FFmpeg: ${line.replaceAll(location.input, 'the source').trim()}`),
        },
        publishers: [publisher],
        afterSync: () => {
          const long = publisher.stored().find((segment) => segment.seconds > standardLimits.maxKeyframeIntervalSeconds + 0.5);
          if (long) abandon(`segment ${long.uri} is ${long.seconds.toFixed(1)} s long: key frames more than ${standardLimits.maxKeyframeIntervalSeconds} s apart`);
        },
        onFile: () => context.heartbeat({ phase: 'copy' }),
        heartbeat: () => context.heartbeat({ phase: 'copy' }),
      });
      if (result.kind === 'could-not-run') throw new Error(`ffmpeg could not run at "${deps.ffmpegPath}" (${result.message}) — install ffmpeg or set FFMPEG_PATH`);
      if (problem === null && result.kind === 'aborted') throw new Error('stream copy cancelled');
      if (problem === null && result.kind === 'exited' && result.exitCode !== 0) {
        const stderr = result.stderrTail.replaceAll(location.input, 'the source');
        if (transient.test(stderr)) throw new Error(`stream copy failed: ${stderr.split('\n').slice(-2).join(' | ')}`);
        problem = `FFmpeg could not copy it (${stderr.split('\n').at(-1)})`;
      }
      if (problem === null && publisher.stored().length === 0) problem = 'the copy produced no segment';
      if (problem !== null) {
        const removed = await deleteMediaPrefix(deps.storage, keyPrefix); // named by no playlist: never published
        log.warn({ reason: problem, removed }, 'source copy abandoned: the first rung will be encoded instead');
        return { published: false, reason: problem };
      }
      const segments = publisher.stored();
      const playlist = mediaPlaylistText({ type: 'VOD', segments, mapUri: publisher.initUri, ended: true });
      await putBodyOnce(deps.storage.s3, deps.storage.mediaBucket, `${keyPrefix}playlist.m3u8`, Buffer.from(playlist), mediaContentType('playlist.m3u8'));
      const bandwidth = renditionBandwidth(segments, (uri) => publisher.sizes.get(uri) ?? 0);
      log.info({ ms: Date.now() - startedAt, segments: segments.length, ...publisher.outcomes, ...bandwidth }, 'source published as src');
      return { published: true, rendition: publishedRendition(videoId, shape, input.frameRate, bandwidth) };
    } finally {
      context.cancellationSignal.removeEventListener('abort', onCancel);
      await removeWorkDir(workDir);
    }
  };
}
