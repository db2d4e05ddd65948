/** One media segment as a playlist lists it. */
export interface PlaylistSegment {
  uri: string;
  seconds: number;
}

export interface MediaPlaylistOptions {
  /** VOD: written once, complete. EVENT: grows by appending (the progressive first rung), ENDLIST at the end. */
  type: 'VOD' | 'EVENT';
  segments: readonly PlaylistSegment[];
  /** The fMP4 init segment (`EXT-X-MAP`). */
  mapUri: string;
  ended: boolean;
  /**
   * EXT-X-TARGETDURATION; it must not change while an EVENT playlist grows, so a progressive rung passes its
   * planned segment length. Default: the longest segment, rounded.
   */
  targetSeconds?: number;
}

/**
 * The text of a media playlist the transcoder publishes (RFC 8216): generated from the segments that are stored,
 * never FFmpeg's own file, so it can never name a segment that is not there yet. An EVENT playlist says
 * `EXT-X-START:TIME-OFFSET=0` so players start a growing video at its beginning, not at its live edge. Pure.
 */
export function mediaPlaylistText(options: MediaPlaylistOptions): string {
  // RFC 8216 §4.3.3.1: each EXTINF, rounded to the nearest integer, is at most the target duration.
  const target = Math.max(1, options.targetSeconds ?? 0, ...options.segments.map((segment) => Math.round(segment.seconds)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:1',
    `#EXT-X-PLAYLIST-TYPE:${options.type}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...(options.type === 'EVENT' ? ['#EXT-X-START:TIME-OFFSET=0'] : []),
    `#EXT-X-MAP:URI="${options.mapUri}"`,
  ];
  for (const segment of options.segments) lines.push(`#EXTINF:${segment.seconds.toFixed(6)},`, segment.uri);
  if (options.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** Whether a stored media playlist is finished (a progressive rung that reached its end). Pure. */
export function playlistEnded(text: string): boolean {
  return /^#EXT-X-ENDLIST\s*$/m.test(text);
}
