import type { MediaPlaylist } from 'hls-parser/types.js';
import { parseStrict, stringifyPlaylist } from './hls-strict.ts';
import type { MediaRewriteOptions, MediaRewriteResult } from './rewrite-media.ts';
import { siblingPlaylistUri } from './rendition-report-uri.ts';
import { segmentResolver } from './segment-uri.ts';

/**
 * The same rewrite as rewriteMedia, through hls-parser's parse + stringify. Kept as the reference the
 * line-based rewriter is tested against, and as the benchmark's comparison; the edge uses rewriteMedia.
 */
export function rewriteMediaWithHlsParser(text: string, options: MediaRewriteOptions): MediaRewriteResult {
  const resolver = segmentResolver(options);
  if ('error' in resolver) return { ok: false, error: resolver.error };
  const parsed = parseStrict(text);
  if (!parsed.ok) return parsed;
  if (parsed.playlist.isMasterPlaylist) return { ok: false, error: 'expected a media playlist, got a master playlist' };
  const playlist = parsed.playlist as MediaPlaylist;
  // EXT-X-PREFETCH is the pre-standard low-latency HLS of some packagers; Vora's origin never writes it.
  if (playlist.prefetchSegments.length > 0) return { ok: false, error: 'EXT-X-PREFETCH (pre-RFC low-latency HLS) is not supported by the edge rewriter' };

  const durationSeconds = Math.round(playlist.segments.reduce((sum, segment) => sum + (segment.uri ? segment.duration : 0), 0) * 1000) / 1000;
  const query = typeof options.segmentQuery === 'string' ? options.segmentQuery : options.segmentQuery({ durationSeconds });
  // Maps and keys are shared between segments: rewrite each object once.
  const done = new WeakSet<object>();
  const rewrite = (holder: { uri?: string }): string | null => {
    if (done.has(holder) || holder.uri === undefined) return null;
    done.add(holder);
    const target = resolver.resolve(holder.uri);
    if ('error' in target) return target.error;
    holder.uri = target.url + target.separator + query;
    return null;
  };
  for (const segment of playlist.segments) {
    // The segment that only carries the preload hint (or parts so far) has no URI of its own.
    const error = (segment.uri ? rewrite(segment) : null) ?? (segment.map ? rewrite(segment.map) : null) ?? (segment.key ? rewrite(segment.key) : null) ?? segment.parts.reduce<string | null>((found, part) => found ?? rewrite(part), null);
    if (error) return { ok: false, error };
  }
  for (const report of playlist.renditionReports) {
    const sibling = siblingPlaylistUri(report.uri, options.mediaPathPrefix);
    if ('error' in sibling) return { ok: false, error: sibling.error };
    report.uri = sibling.uri;
  }
  const written = stringifyPlaylist(playlist);
  return written.ok ? { ok: true, text: written.playlist, durationSeconds } : written;
}
