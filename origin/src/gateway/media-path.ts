import { CAPTION_TRACK_FOLDER } from '../../../contracts/captions.ts';
import { ID_PATTERN, NAME_PATTERN } from '../../../contracts/ids.ts';
import { subtitleSegmentNumber } from '../captions/subtitle-segments.ts';

/** What a path under `/media/{videoId}/` names, decided before any I/O. Pure. */
export type MediaKind = 'master' | 'playlist' | 'init' | 'segment' | 'image' | 'storyboard-vtt' | 'subtitle-playlist' | 'subtitle-segment';

export interface MediaTarget {
  videoId: string;
  kind: MediaKind;
  /** Object key in the media bucket (for `master`, the key it would have; it is generated, not stored). */
  key: string;
  contentType: string;
  /** A subtitle segment's 1-based number (`seg_00003.vtt` → 3). */
  segmentNumber?: number;
}

export type MediaPathResult = { ok: true; target: MediaTarget } | { ok: false; reason: string };

const segmentPattern = /^seg_\d{1,9}\.(m4s|mp4)$/;
const imagePattern = /^(thumbnail|storyboard)(_\d{1,6})?\.jpg$/;

export const contentTypes = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  vtt: 'text/vtt; charset=utf-8',
} as const;

function contentTypeOf(file: string): string {
  const extension = file.slice(file.lastIndexOf('.') + 1) as keyof typeof contentTypes;
  return contentTypes[extension];
}

function kindOfTopLevel(file: string): MediaKind | null {
  if (file === 'master.m3u8') return 'master';
  if (file === 'storyboard.vtt') return 'storyboard-vtt';
  return imagePattern.test(file) ? 'image' : null;
}

function kindInRendition(file: string): MediaKind | null {
  if (file === 'playlist.m3u8') return 'playlist';
  // init_N.mp4: a recorded live broadcast keeps each ladder run's own init segment.
  if (/^init(_\d{1,9})?\.mp4$/.test(file)) return 'init';
  return segmentPattern.test(file) ? 'segment' : null;
}

/**
 * Checks the (already percent-decoded) path segments after `/media/` against the media layout
 * `{videoId}/{file}` or `{videoId}/{rendition}/{file}`. Anything else, including every `..`, `%2f` or
 * unexpected character, is refused: ids and names are plain [A-Za-z0-9_-], files follow known patterns.
 */
export function parseMediaPath(segments: readonly string[]): MediaPathResult {
  const [videoId, ...rest] = segments;
  if (videoId === undefined || !ID_PATTERN.test(videoId)) {
    return { ok: false, reason: 'the video id must be 1–64 characters of A–Z, a–z, 0–9, _ or -' };
  }
  if (rest.length === 1) {
    const file = rest[0]!;
    const kind = kindOfTopLevel(file);
    if (!kind) return { ok: false, reason: `"${printable(file)}" is not a media file name (master.m3u8, thumbnail.jpg, storyboard.jpg, storyboard.vtt)` };
    return { ok: true, target: { videoId, kind, key: `${videoId}/${file}`, contentType: contentTypeOf(file) } };
  }
  if (rest.length === 2) {
    const [rendition, file] = rest as [string, string];
    if (!NAME_PATTERN.test(rendition)) return { ok: false, reason: 'the rendition name must be 1–32 characters of A–Z, a–z, 0–9, _ or -' };
    // A caption track's folder (`cap_…`): its playlist and WebVTT segments are cut from `track.vtt` on request.
    if (CAPTION_TRACK_FOLDER.test(rendition)) return subtitleTarget(videoId, rendition, file);
    const kind = kindInRendition(file);
    if (!kind) return { ok: false, reason: `"${printable(file)}" is not a rendition file name (playlist.m3u8, init.mp4, seg_NNNNN.m4s)` };
    return { ok: true, target: { videoId, kind, key: `${videoId}/${rendition}/${file}`, contentType: contentTypeOf(file) } };
  }
  return { ok: false, reason: 'media paths are /media/{videoId}/{file} or /media/{videoId}/{rendition}/{file}' };
}

function subtitleTarget(videoId: string, trackId: string, file: string): MediaPathResult {
  const key = `${videoId}/${trackId}/track.vtt`;
  if (file === 'playlist.m3u8') return { ok: true, target: { videoId, kind: 'subtitle-playlist', key, contentType: contentTypes.m3u8 } };
  const segmentNumber = subtitleSegmentNumber(file);
  if (segmentNumber === null) return { ok: false, reason: `"${printable(file)}" is not a subtitle file name (playlist.m3u8, seg_NNNNN.vtt)` };
  return { ok: true, target: { videoId, kind: 'subtitle-segment', key, contentType: contentTypes.vtt, segmentNumber } };
}

/** Echoes a name in an error message without control characters or unbounded length. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}
