import type { StoryboardLayout } from '../media/storyboard.ts';
import { inputArgs, type FfmpegInput } from './ladder-args.ts';

export interface PreviewCommandOptions {
  source: FfmpegInput;
  durationSeconds: number;
  layout: StoryboardLayout;
  /** The thumbnail's height (never above the source's). */
  thumbnailHeight: number;
  thumbnailPath: string;
  storyboardPath: string;
}

/** Where the thumbnail is taken: 10 % in, and never past the last frame. */
export function thumbnailSeconds(durationSeconds: number): number {
  return Math.max(0, Math.min(durationSeconds * 0.1, durationSeconds - 0.5));
}

/**
 * One FFmpeg run, one decode, two pictures: the JPEG thumbnail at ~10 % and the storyboard sprite
 * (one frame every `intervalSeconds`, scaled and tiled). Pure.
 */
export function previewArgs(options: PreviewCommandOptions): string[] {
  const { layout } = options;
  const at = thumbnailSeconds(options.durationSeconds).toFixed(3);
  const graph = [
    '[0:v:0]split=2[t][s]',
    `[t]select='gte(t\\,${at})',scale=w=-2:h=${options.thumbnailHeight},setsar=1[thumb]`,
    `[s]fps=1/${layout.intervalSeconds},scale=w=${layout.tileWidth}:h=${layout.tileHeight},setsar=1,tile=${layout.columns}x${layout.rows}[sprite]`,
  ].join(';');
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    ...inputArgs(options.source),
    '-filter_complex', graph,
    '-map', '[thumb]', '-frames:v', '1', '-q:v', '3', '-update', '1', options.thumbnailPath,
    '-map', '[sprite]', '-frames:v', '1', '-q:v', '5', '-update', '1', options.storyboardPath,
  ];
}
