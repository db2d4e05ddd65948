import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { sourceFailureTypes } from '../../../contracts/transcode.ts';
import { previewArgs } from '../ffmpeg/preview-args.ts';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg.ts';
import { storyboardLayout, storyboardVtt } from '../media/storyboard.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { mediaContentType, putOnce } from '../storage/put-once.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { sourceInput } from '../storage/source-input.ts';
import { currentWorkflowId } from './workflow-id.ts';

export interface PreviewDeps {
  ffmpegPath: string;
  storage: TranscoderStorage;
  logger: Logger;
  workRoot?: string;
}

export interface MakePreviewsInput {
  videoId: string;
  sourceKey: string;
  durationSeconds: number;
  width: number;
  height: number;
}

export interface Previews {
  thumbnailKey: string;
  storyboardKey: string;
  storyboardVttKey: string;
}

/** Activity `makePreviews`: a JPEG thumbnail at ~10 % and a storyboard sprite + WebVTT, written once. */
export function createMakePreviews(deps: PreviewDeps) {
  return async function makePreviews(input: MakePreviewsInput): Promise<Previews> {
    const { videoId } = input;
    const log = deps.logger.child({ videoId, workflowId: currentWorkflowId(), activity: 'makePreviews' });
    const location = sourceInput(input.sourceKey, deps.storage.presignRaw);
    if (!location.ok) throw ApplicationFailure.nonRetryable(location.reason, sourceFailureTypes.unsupportedLocation);
    const workDir = join(deps.workRoot ?? join(tmpdir(), 'vora-transcode'), videoId, 'previews');
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    try {
      const layout = storyboardLayout(input.durationSeconds, input.width, input.height);
      const files = { thumbnail: join(workDir, 'thumbnail.jpg'), storyboard: join(workDir, 'storyboard.jpg'), vtt: join(workDir, 'storyboard.vtt') };
      const startedAt = Date.now();
      const heartbeat = setInterval(() => Context.current().heartbeat({ phase: 'previews' }), 5_000);
      const result = await runFfmpeg({
        ffmpegPath: deps.ffmpegPath,
        args: previewArgs({
          source: location, durationSeconds: input.durationSeconds, layout,
          thumbnailHeight: Math.min(720, input.height - (input.height % 2)), thumbnailPath: files.thumbnail, storyboardPath: files.storyboard,
        }),
        signal: Context.current().cancellationSignal,
      }).finally(() => clearInterval(heartbeat));
      if (result.kind !== 'exited' || result.exitCode !== 0) {
        throw new Error(`previews failed: ${result.kind === 'exited' ? result.stderrTail.replaceAll(location.input, input.sourceKey).split('\n').slice(-3).join(' | ') : result.kind}`);
      }
      await writeFile(files.vtt, storyboardVtt(layout, input.durationSeconds, 'storyboard.jpg'));
      const { s3, mediaBucket } = deps.storage;
      const keys: Previews = { thumbnailKey: mediaKeys.thumbnail(videoId), storyboardKey: mediaKeys.storyboard(videoId), storyboardVttKey: mediaKeys.storyboardVtt(videoId) };
      // The VTT names the sprite, so the sprite goes first.
      await putOnce(s3, mediaBucket, keys.thumbnailKey, files.thumbnail, mediaContentType('thumbnail.jpg'));
      await putOnce(s3, mediaBucket, keys.storyboardKey, files.storyboard, mediaContentType('storyboard.jpg'));
      await putOnce(s3, mediaBucket, keys.storyboardVttKey, files.vtt, mediaContentType('storyboard.vtt'));
      log.info({ ms: Date.now() - startedAt, tiles: layout.tileCount, intervalSeconds: layout.intervalSeconds }, 'previews stored');
      return keys;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
}
