import type { StoryboardLayout } from '../media/storyboard.ts';

export interface PreviewOptions {
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
 * The two preview branches of a single-pass graph, fed by the split outputs `[thumbIn]` and `[boardIn]`: the
 * JPEG thumbnail at ~10 % and the storyboard sprite (one frame every `intervalSeconds`, scaled and tiled).
 * Frames are dropped *before* any scaler: `trim` + `select` hand exactly one frame to the thumbnail's scaler and
 * `fps` one per interval to the storyboard's, so previews cost almost nothing beside the ladder. Pure.
 */
export function previewBranches(options: PreviewOptions, thumbIn: string, boardIn: string): { filters: string[]; outputArgs: string[] } {
  const { layout } = options;
  const at = thumbnailSeconds(options.durationSeconds).toFixed(3);
  return {
    filters: [
      `[${thumbIn}]trim=start=${at},select='eq(n\\,0)',scale=w=-2:h=${options.thumbnailHeight},setsar=1[thumb]`,
      `[${boardIn}]fps=1/${layout.intervalSeconds},scale=w=${layout.tileWidth}:h=${layout.tileHeight},setsar=1,tile=${layout.columns}x${layout.rows}[sprite]`,
    ],
    outputArgs: [
      '-map', '[thumb]', '-frames:v', '1', '-q:v', '3', '-update', '1', options.thumbnailPath,
      '-map', '[sprite]', '-frames:v', '1', '-q:v', '5', '-update', '1', options.storyboardPath,
    ],
  };
}
