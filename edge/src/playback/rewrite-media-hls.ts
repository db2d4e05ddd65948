import type { MediaPlaylist } from 'hls-parser/types.js';
import { parseStrict, stringifyPlaylist } from './hls-strict.ts';
import type { MediaRewriteOptions, MediaRewriteResult } from './rewrite-media.ts';
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
  if (playlist.partTargetDuration !== undefined || playlist.prefetchSegments.length > 0 || playlist.renditionReports.length > 0) return { ok: false, error: 'low-latency HLS is not supported by the edge rewriter' };

  const durationSeconds = Math.round(playlist.segments.reduce((sum, segment) => sum + segment.duration, 0) * 1000) / 1000;
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
    const error = rewrite(segment) ?? (segment.map ? rewrite(segment.map) : null) ?? (segment.key ? rewrite(segment.key) : null);
    if (error) return { ok: false, error };
  }
  const written = stringifyPlaylist(playlist);
  return written.ok ? { ok: true, text: written.playlist, durationSeconds } : written;
}
