import type { PlaylistSegment } from '../media/media-playlist.ts';
import type { ChunkWindow } from './chunk-args.ts';

/** What one chunk made of one rung: its segments in order, as stored. */
export interface ChunkRendition {
  chunk: ChunkWindow;
  segments: PlaylistSegment[];
}

/** How far a chunk's segments may add up away from its length: FFmpeg measures the last one to its last frame. */
const toleranceSeconds = 0.1;

/**
 * One rung's chunks joined into one continuous segment list for its VOD playlist: chunks in order, each starting where
 * the one before ended, each filled by its segments, every name unique. Chunk segments carry source-timeline decode
 * times, so the join needs no EXT-X-DISCONTINUITY and no renumbering. Errors as values. Pure.
 */
export function joinChunkSegments(name: string, parts: readonly ChunkRendition[]): { ok: true; segments: PlaylistSegment[] } | { ok: false; reason: string } {
  const sorted = [...parts].sort((a, b) => a.chunk.index - b.chunk.index);
  const segments: PlaylistSegment[] = [];
  const names = new Set<string>();
  let expectedStart = 0;
  for (const [position, part] of sorted.entries()) {
    const { chunk } = part;
    if (chunk.index !== position) return { ok: false, reason: `${name}: chunk ${position} is missing (got chunk ${chunk.index})` };
    if (Math.abs(chunk.startSeconds - expectedStart) > 1e-6) return { ok: false, reason: `${name}: chunk ${chunk.index} starts at ${chunk.startSeconds} s, not where chunk ${chunk.index - 1} ended (${expectedStart} s)` };
    if (chunk.last !== (position === sorted.length - 1)) return { ok: false, reason: `${name}: chunk ${chunk.index} is ${chunk.last ? '' : 'not '}marked last` };
    if (part.segments.length === 0) return { ok: false, reason: `${name}: chunk ${chunk.index} has no segment` };
    const total = part.segments.reduce((sum, segment) => sum + segment.seconds, 0);
    if (Math.abs(total - chunk.durationSeconds) > toleranceSeconds) {
      return { ok: false, reason: `${name}: chunk ${chunk.index} lasts ${chunk.durationSeconds.toFixed(3)} s but its segments add up to ${total.toFixed(3)} s` };
    }
    for (const segment of part.segments) {
      if (names.has(segment.uri)) return { ok: false, reason: `${name}: segment ${segment.uri} appears twice` };
      names.add(segment.uri);
      segments.push(segment);
    }
    expectedStart = chunk.startSeconds + chunk.durationSeconds;
  }
  if (segments.length === 0) return { ok: false, reason: `${name}: no chunk to join` };
  return { ok: true, segments };
}
