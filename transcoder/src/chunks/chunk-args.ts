/** One piece of a chunked encode: source seconds [startSeconds, startSeconds + durationSeconds), cut at source key frames. */
export interface ChunkWindow {
  index: number;
  startSeconds: number;
  durationSeconds: number;
  /** The last chunk keeps the encoder's final audio frame (the real end); the others end exactly at the next chunk. */
  last: boolean;
}

/**
 * Every chunk's output is placed this far after its source time. Without it, chunk 0 alone would start below zero
 * (B-frame decode delay, AAC priming) and FFmpeg would shift it forward, two frames out of step with the others;
 * with it no chunk is shifted, presentation and decode times run on across every join, and the video starts at 1 s.
 */
export const chunkTimelineOffsetSeconds = 1;

/** AAC frames are 1024 samples; the ladder always resamples audio to 48 kHz. */
const audioRate = 48_000;
const aacFrame = 1024;

/** Segment names of chunk `index`: `seg_CCCNNNNN.m4s`, unique across chunks without knowing the others' counts. */
export function chunkSegmentPattern(index: number): string {
  return `seg_${String(index).padStart(3, '0')}%05d.m4s`;
}

/**
 * Input options of a chunk: an accurate seek to its first (key) frame. Output timestamps restart at 0 and
 * `-output_ts_offset` puts them back on the source's timeline.
 */
export function chunkInputArgs(chunk: ChunkWindow): string[] {
  return ['-ss', seconds(chunk.startSeconds)];
}

// Rounded down to the microsecond: a start rounded up past the key frame would make the accurate seek drop it.
const seconds = (value: number) => (Math.floor(value * 1e6) / 1e6).toFixed(6);

/**
 * Per-output options of a chunk: its length, its place on the timeline (fMP4 `tfdt` absolute via `frag_discont`, so
 * chunk N's segments continue chunk N−1's without EXT-X-DISCONTINUITY), and the audio packets it keeps: the encoder's
 * priming frame (negative pts) goes, and so does any frame that would run past the chunk's end into the next one
 * (a gap of < 21 ms at a join whose length is not a whole number of AAC frames, rather than an overlap). Pure.
 */
export function chunkOutputArgs(chunk: ChunkWindow, hasAudio: boolean): string[] {
  const endSample = Math.round(chunk.durationSeconds * audioRate);
  const drop = chunk.last ? 'lt(pts\\,0)' : `lt(pts\\,0)+gt(pts+${aacFrame}\\,${endSample})`;
  return [
    '-t', chunk.durationSeconds.toFixed(6), '-output_ts_offset', seconds(chunk.startSeconds + chunkTimelineOffsetSeconds),
    ...(hasAudio ? ['-bsf:a', `noise=drop=${drop}`] : []),
  ];
}

/** Options for the fMP4 segment muxer of a chunk: decode times on the source timeline. */
export const chunkSegmentMuxerArgs = ['-hls_segment_options', 'movflags=+frag_discont'];
