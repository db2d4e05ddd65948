import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ApiError, originClient, type JsonClient } from '../lib/api-client.ts';
import { cliStateDir, loadCliConfig, type CliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { followProcessing } from '../lib/follow.ts';
import { note, printJson, printLine } from '../lib/output.ts';
import { progressReporter } from '../lib/progress.ts';
import { planResume, resumeStore, resumeStorePath, type FileIdentity, type ResumeStore } from '../lib/resume-store.ts';
import { tusFailure, uploadFileWithTus, uploadOffset } from '../lib/tus-upload.ts';
import { formatBytes, formatSeconds, parseSize } from '../lib/units.ts';
import type { CreatedVideo, PlaybackToken, VideoView } from '../lib/video-types.ts';

export interface UploadOptions {
  title?: string;
  /** The channel the new video belongs to (its watch page then shows the channel's room). */
  channel?: string;
  /** Listed on its channel's page (`visibility: public`). */
  public?: boolean;
  wait?: boolean;
  json?: boolean;
  chunkSize?: string;
  /** Automatic captions for this upload: a language (`en`, `fr`…) turns them on, `off` turns them off whatever the channel says. */
  autoCaptions?: string;
}

interface UploadTarget {
  videoId: string;
  target: { endpoint: string } | { uploadUrl: string };
  startOffset: number;
  /** Set when the file was uploaded before and only the record was left. */
  alreadyUploaded?: string;
}

async function fileIdentity(path: string): Promise<FileIdentity> {
  const absolute = resolve(path);
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new CliError(`${absolute} is not a file: give the path of a video file`);
    return { path: absolute, size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `no file at ${absolute}: check the path` : `cannot read ${absolute} (${code ?? (error as Error).message})`);
  }
}

async function videoState(api: JsonClient, videoId: string): Promise<string | null> {
  try {
    return (await api.request<VideoView>('GET', `/v1/videos/${encodeURIComponent(videoId)}`)).state;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Decides between resuming the recorded upload and a new video, recording the new one before any byte moves. */
async function chooseTarget(api: JsonClient, store: ResumeStore, file: FileIdentity, newVideo: { title: string; channelId?: string; visibility?: 'public'; autoCaptions?: { enabled: boolean; language?: string } }): Promise<UploadTarget> {
  const record = store.find(file);
  const plan = planResume(record, record ? await videoState(api, record.videoId) : null);
  if (plan.kind === 'done') return { videoId: plan.videoId, target: { endpoint: '' }, startOffset: file.size, alreadyUploaded: plan.state };
  if (plan.kind === 'resume') {
    const held = await uploadOffset(plan.uploadUrl);
    if (held.ok && held.length === file.size) return { videoId: plan.videoId, target: { uploadUrl: plan.uploadUrl }, startOffset: held.offset };
    note(`the server no longer holds the upload of video ${plan.videoId} (${held.ok ? 'its length differs' : `HEAD answered ${held.status}`}): starting a new video`);
  }
  if (plan.kind === 'new-grant') {
    const grant = await api.request<{ url: string }>('POST', `/v1/videos/${encodeURIComponent(plan.videoId)}/upload-url`);
    return { videoId: plan.videoId, target: { endpoint: grant.url }, startOffset: 0 };
  }
  if (plan.kind === 'fresh' && plan.why) note(`${plan.why}: starting a new video`);
  const video = await api.request<CreatedVideo>('POST', '/v1/videos', newVideo);
  store.save(file, { videoId: video.id, startedAt: new Date().toISOString() });
  return { videoId: video.id, target: { endpoint: video.upload.url }, startOffset: 0 };
}

function chunkSizeOf(text: string | undefined): number {
  if (text === undefined) return Number.POSITIVE_INFINITY;
  const bytes = parseSize(text);
  if (bytes === null) throw new CliError(`--chunk-size ${JSON.stringify(text)} is not a size: use e.g. 8MiB, 512KiB or a number of bytes`);
  return bytes;
}

/** `vora upload FILE`: create the video, send the file over TUS (resuming a cut upload), optionally follow processing. */
export async function uploadCommand(path: string, options: UploadOptions, config: CliConfig = loadCliConfig()): Promise<void> {
  const chunkSize = chunkSizeOf(options.chunkSize);
  const file = await fileIdentity(path);
  const api = originClient(config);
  const store = resumeStore(resumeStorePath(cliStateDir(config)));
  const title = options.title ?? basename(file.path);
  const autoCaptions = options.autoCaptions === undefined ? {} : { autoCaptions: options.autoCaptions === 'off' ? { enabled: false } : { enabled: true, language: options.autoCaptions } };
  const target = await chooseTarget(api, store, file, { title, ...(options.channel ? { channelId: options.channel } : {}), ...(options.public ? { visibility: 'public' as const } : {}), ...autoCaptions });
  const startedAt = Date.now();

  if (target.alreadyUploaded) {
    note(`${file.path} was uploaded already as video ${target.videoId} (${target.alreadyUploaded})`);
  } else {
    if (target.startOffset > 0) note(`resuming the upload of video ${target.videoId} from ${formatBytes(target.startOffset)} of ${formatBytes(file.size)}`);
    const reporter = progressReporter({ total: file.size, startOffset: target.startOffset, tty: Boolean(process.stderr.isTTY), columns: process.stderr.columns, write: (text) => process.stderr.write(text) });
    try {
      await uploadFileWithTus({
        path: file.path,
        target: target.target,
        chunkSize,
        onUploadUrl: (uploadUrl) => store.save(file, { videoId: target.videoId, uploadUrl, startedAt: new Date(startedAt).toISOString() }),
        onProgress: (sent) => reporter.update(sent),
      });
    } catch (error) {
      throw tusFailure(error, config.originUrl);
    } finally {
      reporter.finish();
    }
  }
  store.forget(file);
  const seconds = (Date.now() - startedAt) / 1000;
  if (!target.alreadyUploaded) note(`uploaded ${formatBytes(file.size - target.startOffset)} in ${formatSeconds(seconds)}${target.startOffset > 0 ? ` (resumed from ${formatBytes(target.startOffset)})` : ''}`);

  let video: VideoView | null = null;
  let watchUrl: string | null = null;
  if (options.wait) {
    video = await followProcessing(api, target.videoId, { onChange: (line) => note(`video ${target.videoId}: ${line}`) });
    watchUrl = (await api.request<PlaybackToken>('POST', `/v1/videos/${encodeURIComponent(target.videoId)}/token`, {})).watchUrl;
  }
  if (options.json) {
    printJson({ videoId: target.videoId, title, file: file.path, size: file.size, resumedFrom: target.startOffset, state: video?.state ?? (await videoState(api, target.videoId)), watchUrl });
  } else {
    printLine(watchUrl ?? target.videoId);
  }
}

/** Registers `vora upload FILE`. */
export function registerUploadCommand(program: import('commander').Command): void {
  program
    .command('upload')
    .argument('<file>', 'video file to upload')
    .description('create a video and upload FILE (resumable: run it again after an interruption)')
    .option('--title <title>', 'video title (default: the file name)')
    .option('--channel <id>', 'the channel it belongs to (`vora channels create` makes one)')
    .option('--public', "list it on its channel's page, where anyone may watch it (default: unlisted, signed links only)")
    .option('--auto-captions <language>', 'automatic captions by the local speech engine in this language (en, fr…), or off (default: as the channel says)')
    .option('--wait', 'follow processing until READY, then print the watch URL')
    .option('--json', 'print the result as JSON')
    .option('--chunk-size <size>', 'bytes per request, e.g. 8MiB (default: the whole file in one request)')
    .action((file: string, options: UploadOptions) => uploadCommand(file, options));
}
