// Named imports: hls-parser is CommonJS with __esModule, so a default import is undefined under some interop modes.
import { getOptions, parse, setOptions, stringify } from 'hls-parser';
import { MediaPlaylist, Segment } from 'hls-parser/types.js';
import { writeWebVtt, type CaptionTrackText } from './webvtt.ts';

/**
 * A caption track as HLS subtitles (RFC 8216 §3.5): one WebVTT segment per segment of the video's media playlist,
 * covering the same span of time, so a player loads captions exactly as far as it loads video. Cues keep their
 * times on the video's timeline; a cue that spans a boundary is written in both segments (players drop the
 * repeat). Each segment says where its cue times sit on the media timeline with `X-TIMESTAMP-MAP`. Pure.
 */

/** The segments of a video's media playlist, and where its media timeline starts. */
export interface SegmentTimeline {
  /** EXTINF seconds of each segment, in order. */
  durations: number[];
  targetDuration: number;
  mediaSequence: number;
  playlistType?: 'VOD' | 'EVENT';
  /** The rendition's playlist has EXT-X-ENDLIST (a progressive rung still encoding does not yet). */
  ended: boolean;
  /**
   * The first fragment's decode time (`tfdt`), seconds: where video time 0 sits on the fMP4 media timeline.
   * About 0 for a single-pass ladder or a stream copy; 1 s for a chunked ladder (transcoder chunk-args.ts).
   */
  mediaStartSeconds: number;
  /** The rendition's EXT-X-MAP and first segment, as its playlist names them: where `mediaStartSeconds` is read. */
  mapUri?: string;
  firstSegmentUri?: string;
}

export type TimelineResult = { ok: true; timeline: SegmentTimeline } | { ok: false; error: string };

/** Reads a rendition's media playlist (hls-parser, strict) into its segment timeline; media start 0 until known. */
export function timelineOfMediaPlaylist(text: string): TimelineResult {
  const saved = getOptions();
  setOptions({ strictMode: true, silent: true });
  let playlist;
  try {
    playlist = parse(text);
  } catch (error) {
    return { ok: false, error: `the rendition playlist is malformed: ${(error as Error).message}` };
  } finally {
    setOptions({ strictMode: false, silent: false, ...saved });
  }
  if (playlist.isMasterPlaylist) return { ok: false, error: 'expected a media playlist, got a master playlist' };
  const media = playlist as MediaPlaylist;
  return {
    ok: true,
    timeline: {
      durations: media.segments.map((segment) => segment.duration),
      targetDuration: media.targetDuration,
      mediaSequence: media.mediaSequenceBase ?? 1,
      playlistType: media.playlistType,
      ended: media.endlist,
      mediaStartSeconds: 0,
      mapUri: media.segments[0]?.map?.uri,
      firstSegmentUri: media.segments[0]?.uri,
    },
  };
}

/** `seg_00001.vtt` for the first segment, as the video's are numbered. */
export function subtitleSegmentName(number: number): string {
  return `seg_${String(number).padStart(5, '0')}.vtt`;
}

/** The 1-based segment number of a subtitle segment's file name, or null. */
export function subtitleSegmentNumber(file: string): number | null {
  const match = /^seg_(\d{5,9})\.vtt$/.exec(file);
  return match ? Number(match[1]) : null;
}

/** The subtitle media playlist of a track: one WebVTT segment per video segment, the same type, target and end. */
export function subtitlePlaylistText(timeline: SegmentTimeline): string {
  const playlist = new MediaPlaylist({
    version: 3,
    targetDuration: timeline.targetDuration,
    mediaSequenceBase: timeline.mediaSequence,
    playlistType: timeline.playlistType,
    endlist: timeline.ended,
    segments: timeline.durations.map((duration, index) => new Segment({ uri: subtitleSegmentName(index + 1), duration, mediaSequenceNumber: timeline.mediaSequence + index })),
  });
  return `${stringify(playlist)}\n`;
}

/** RFC 8216 §3.5: maps cue time LOCAL to MPEG-2 (90 kHz) time MPEGTS, which for fMP4 is the media timeline's. */
export function timestampMapLine(mediaStartSeconds: number): string {
  return `X-TIMESTAMP-MAP=MPEGTS:${Math.max(0, Math.round(mediaStartSeconds * 90_000))},LOCAL:00:00:00.000`;
}

/** Where each segment starts and ends on the video's timeline, in milliseconds (sums of EXTINF, rounded once). */
export function segmentSpansMs(durations: readonly number[]): { startMs: number; endMs: number }[] {
  let elapsed = 0;
  return durations.map((duration) => {
    const startMs = Math.round(elapsed * 1000);
    elapsed += duration;
    return { startMs, endMs: Math.round(elapsed * 1000) };
  });
}

/**
 * Segment `number` (1-based) of a track: the cues that show during its span, on the video's timeline, behind the
 * `X-TIMESTAMP-MAP` of the media timeline. Null for a number the timeline does not have.
 */
export function subtitleSegmentText(track: CaptionTrackText, timeline: SegmentTimeline, number: number): string | null {
  const span = segmentSpansMs(timeline.durations)[number - 1];
  if (!Number.isInteger(number) || !span) return null;
  const cues = track.cues.filter((cue) => cue.startMs < span.endMs && cue.endMs > span.startMs);
  return writeWebVtt({ cues, blocks: track.blocks }, [timestampMapLine(timeline.mediaStartSeconds)]);
}
