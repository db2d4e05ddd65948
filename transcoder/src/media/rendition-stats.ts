/** Segment URIs and durations of a media playlist (`#EXTINF` + URI lines). Pure; errors as values. */
export function playlistSegments(playlist: string): { ok: true; segments: { uri: string; seconds: number }[]; mapUri: string | null } | { ok: false; reason: string } {
  if (!playlist.startsWith('#EXTM3U')) return { ok: false, reason: 'not an HLS playlist (no #EXTM3U)' };
  const segments: { uri: string; seconds: number }[] = [];
  let pending: number | null = null;
  let mapUri: string | null = null;
  for (const raw of playlist.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-MAP:')) mapUri = /URI="([^"]+)"/.exec(line)?.[1] ?? null;
    else if (line && !line.startsWith('#')) {
      if (pending === null || !Number.isFinite(pending)) return { ok: false, reason: `segment ${line} has no #EXTINF duration` };
      segments.push({ uri: line, seconds: pending });
      pending = null;
    }
  }
  if (segments.length === 0) return { ok: false, reason: 'playlist lists no segments' };
  return { ok: true, segments, mapUri };
}

/**
 * HLS BANDWIDTH (peak segment bitrate) and AVERAGE-BANDWIDTH from the playlist and the stored
 * byte size of each segment (what viewers actually download). Pure.
 */
export function renditionBandwidth(segments: { uri: string; seconds: number }[], bytesOf: (uri: string) => number): { bandwidth: number; averageBandwidth: number } {
  let peak = 0;
  let bits = 0;
  let seconds = 0;
  for (const segment of segments) {
    const segmentBits = bytesOf(segment.uri) * 8;
    bits += segmentBits;
    seconds += segment.seconds;
    // A very short last segment would overstate the peak; it is measured over at least one second.
    peak = Math.max(peak, segmentBits / Math.max(segment.seconds, 1));
  }
  return { bandwidth: Math.ceil(peak), averageBandwidth: Math.ceil(seconds > 0 ? bits / seconds : 0) };
}
