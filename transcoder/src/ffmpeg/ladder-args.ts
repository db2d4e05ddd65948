import { join } from 'node:path';
import { chunkInputArgs, chunkOutputArgs, chunkSegmentMuxerArgs, chunkSegmentPattern, type ChunkWindow } from '../chunks/chunk-args.ts';
import type { LadderPlan, RenditionPlan } from '../ladder/plan-ladder.ts';
import { previewBranches, type PreviewOptions } from './preview-args.ts';

/** An input FFmpeg may open, with the only protocols it may use (from `resolveSourceLocation`). */
export interface FfmpegInput {
  input: string;
  protocols: string[];
  remote: boolean;
}

export interface LadderCommandOptions {
  source: FfmpegInput;
  plan: Pick<LadderPlan, 'gopFrames' | 'segmentSeconds' | 'resampleTo'>;
  /** The rungs this process encodes (all of them, or a subset: the first pass encodes only the lowest). */
  renditions: RenditionPlan[];
  /** Each rung goes to `{outputDir}/{name}/` as init.mp4, seg_00001.m4s…, playlist.m3u8. */
  outputDir: string;
  /** x264 preset: speed against size. */
  preset: string;
  /** Thumbnail and storyboard from the same decode (the single pass for READY); absent: rungs only. */
  previews?: PreviewOptions;
  /** Encode only this piece of the source (chunked encoding across workers). */
  chunk?: ChunkWindow;
  /** Decode key frames only (`-skip_frame nokey`): previews of a chunked source, at a fraction of a full decode. */
  keyframesOnly?: boolean;
}

/** Input options shared by every FFmpeg run on an untrusted source: a protocol whitelist and bounded network reads. */
export function inputArgs(source: FfmpegInput, before: string[] = []): string[] {
  const network = source.remote ? ['-rw_timeout', String(15_000_000), '-reconnect', '1', '-reconnect_on_network_error', '1'] : [];
  return ['-protocol_whitelist', source.protocols.join(','), ...network, ...before, '-i', source.input];
}

/**
 * One decode, split into one scaler per rung (`-filter_complex`), each feeding its own output; with previews, two
 * more split outputs feed the thumbnail and storyboard branches.
 */
export function ladderFilterGraph(plan: Pick<LadderPlan, 'resampleTo'>, renditions: RenditionPlan[], previews?: PreviewOptions): string {
  const resample = plan.resampleTo ? `fps=${plan.resampleTo},` : '';
  const labels = [...renditions.map((_, index) => `s${index}`), ...(previews ? ['t', 'b'] : [])];
  const scalers = renditions.map(
    (rendition, index) => `[s${index}]scale=w=${rendition.width}:h=${rendition.height}:flags=bicubic,setsar=1,format=yuv420p[v${index}]`,
  );
  const previewFilters = previews ? previewBranches(previews, 't', 'b').filters : [];
  return [`[0:v:0]${resample}split=${labels.length}${labels.map((label) => `[${label}]`).join('')}`, ...scalers, ...previewFilters].join(';');
}

/**
 * The HLS muxer options of one local rung directory: fMP4, exact file names, and an EVENT playlist that FFmpeg
 * rewrites atomically (temp file + rename) as each segment closes, so segments can be uploaded while it encodes.
 * The playlists viewers get are generated from what is stored (media/media-playlist.ts), never this file.
 */
export function hlsOutputArgs(dir: string, segmentSeconds: number, chunk?: ChunkWindow): string[] {
  return [
    '-f', 'hls', '-hls_time', String(segmentSeconds), '-hls_playlist_type', 'event', '-hls_list_size', '0',
    '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(dir, chunk ? chunkSegmentPattern(chunk.index) : 'seg_%05d.m4s'), '-start_number', '1',
    '-hls_flags', 'temp_file+independent_segments', ...(chunk ? chunkSegmentMuxerArgs : []),
    join(dir, 'playlist.m3u8'),
  ];
}

/** Encoder + HLS muxer options of one rung: a fixed, closed GOP of `segmentSeconds` so every rung cuts at the same instants. */
function renditionOutputArgs(rendition: RenditionPlan, index: number, options: LadderCommandOptions): string[] {
  const { gopFrames, segmentSeconds } = options.plan;
  const audio = rendition.audioBitrate === null
    ? ['-an']
    : ['-map', '0:a:0', '-c:a', 'aac', '-b:a', String(rendition.audioBitrate), '-ac', '2', '-ar', '48000'];
  return [
    '-map', `[v${index}]`,
    ...audio,
    '-c:v', 'libx264', '-preset', options.preset, '-profile:v', 'high', '-level:v', rendition.level,
    '-b:v', String(rendition.videoBitrate), '-maxrate', String(rendition.maxrate), '-bufsize', String(rendition.bufsize),
    '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0', '-flags', '+cgop',
    '-force_key_frames', `expr:gte(t,n_forced*${segmentSeconds})`,
    '-map_metadata', '-1', '-map_chapters', '-1',
    ...(options.chunk ? chunkOutputArgs(options.chunk, rendition.audioBitrate !== null) : []),
    ...hlsOutputArgs(join(options.outputDir, rendition.name), segmentSeconds, options.chunk),
  ];
}

/**
 * The whole FFmpeg command line of a ladder pass: one process decodes the source once and encodes every rung
 * given (and the previews, when asked: the single pass for READY). Separate HLS outputs (not `-var_stream_map`):
 * each rung names its own files exactly, has its own audio bitrate, and no master playlist is written (the
 * gateway builds it from the DB). Pure.
 */
export function ladderArgs(options: LadderCommandOptions): string[] {
  if (options.renditions.length === 0 && !options.previews) throw new Error('ladderArgs needs at least one rendition or the previews');
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-progress', 'pipe:1', '-stats_period', '1',
    ...inputArgs(options.source, [...(options.keyframesOnly ? ['-skip_frame', 'nokey'] : []), ...(options.chunk ? chunkInputArgs(options.chunk) : [])]),
    '-filter_complex', ladderFilterGraph(options.plan, options.renditions, options.previews),
    ...options.renditions.flatMap((rendition, index) => renditionOutputArgs(rendition, index, options)),
    ...(options.previews ? previewBranches(options.previews, 't', 'b').outputArgs : []),
  ];
}
