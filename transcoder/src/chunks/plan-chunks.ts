import type { ChunkWindow } from './chunk-args.ts';

export interface ChunkPlanOptions {
  /** Wanted chunk length; boundaries are wanted at its multiples. A multiple of 8 s keeps AAC frames and 4 s segments whole. */
  chunkSeconds: number;
  /** No chunk shorter than this (a tail that short joins the chunk before it). */
  minChunkSeconds: number;
}

/**
 * Splits a source of `durationSeconds` into chunks that start on source key frames (issue 19): a wanted boundary at
 * k × chunkSeconds that falls mid-GOP is moved to the nearest key frame — never forced, since a chunk must start
 * on one. A wanted boundary with no key frame within half a chunk is dropped (the chunks around it merge). Pure.
 */
export function planChunks(keyframes: readonly number[], durationSeconds: number, options: ChunkPlanOptions): ChunkWindow[] {
  const starts = [0];
  for (let wanted = options.chunkSeconds; wanted < durationSeconds - options.minChunkSeconds / 2; wanted += options.chunkSeconds) {
    const nearest = keyframes.reduce<number | null>((best, time) => (best === null || Math.abs(time - wanted) < Math.abs(best - wanted) ? time : best), null);
    if (nearest === null || Math.abs(nearest - wanted) > options.chunkSeconds / 2) continue;
    const previous = starts.at(-1)!;
    if (nearest - previous < options.minChunkSeconds || durationSeconds - nearest < options.minChunkSeconds) continue;
    starts.push(nearest);
  }
  return starts.map((startSeconds, index) => {
    const end = starts[index + 1] ?? durationSeconds;
    return { index, startSeconds, durationSeconds: end - startSeconds, last: index === starts.length - 1 };
  });
}
