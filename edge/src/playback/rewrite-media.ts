import { MAX_PLAYLIST_CHARS } from './hls-strict.ts';
import { siblingPlaylistUri } from './rendition-report-uri.ts';
import { segmentResolver, type SegmentTarget } from './segment-uri.ts';

export type MediaRewriteResult = { ok: true; text: string; durationSeconds: number } | { ok: false; error: string };

export interface MediaRewriteOptions extends SegmentTarget {
  /** `st=…&e=…` for every segment, or a function of the playlist's duration (so the expiry can cover it). */
  segmentQuery: string | ((playlist: { durationSeconds: number }) => string);
}

// Tags whose URI attribute names a file the CDN node must serve with the token (LL-HLS parts and hints too).
const URI_TAGS = ['#EXT-X-MAP:', '#EXT-X-KEY:', '#EXT-X-PART:', '#EXT-X-PRELOAD-HINT:'];
// A sibling rendition's playlist: it stays on the edge (rendition-report-uri.ts).
const RENDITION_REPORT = '#EXT-X-RENDITION-REPORT:';
const MASTER_TAGS = ['#EXT-X-STREAM-INF', '#EXT-X-I-FRAME-STREAM-INF', '#EXT-X-MEDIA:'];

const startsWithAny = (line: string, tags: string[]) => tags.some((tag) => line.startsWith(tag));
const fail = (line: number, error: string): MediaRewriteResult => ({ ok: false, error: `line ${line}: ${error}` });

/** The span of the quoted value of the URI attribute in a tag line, or null. */
function uriAttributeSpan(line: string): [number, number] | null {
  const at = line.search(/[:,]URI="/);
  if (at < 0) return null;
  const start = at + 6;
  const end = line.indexOf('"', start);
  return end < 0 ? null : [start, end];
}

/**
 * Rewrites a media playlist line by line, touching only segment URI lines and the URI attribute of
 * EXT-X-MAP/EXT-X-KEY/EXT-X-PART/EXT-X-PRELOAD-HINT (to the node, with the token) and EXT-X-RENDITION-REPORT
 * (kept on the edge); every other line (discontinuities, byteranges, dates, server control, ENDLIST…) is copied.
 * Checks the structure it relies on: #EXTM3U first, EXT-X-TARGETDURATION present, each #EXTINF
 * followed by exactly one URI. hls-parser gives the same result ~10× slower (see bench/playback-rewrite.ts).
 */
export function rewriteMedia(text: string, options: MediaRewriteOptions): MediaRewriteResult {
  if (text.length > MAX_PLAYLIST_CHARS) return { ok: false, error: `playlist is ${text.length} characters, over the ${MAX_PLAYLIST_CHARS} limit` };
  const resolver = segmentResolver(options);
  if ('error' in resolver) return { ok: false, error: resolver.error };
  const lines = text.split('\n');
  if (lines[0]!.replace(/^\uFEFF/, '').trimEnd() !== '#EXTM3U') return fail(1, 'a playlist must start with #EXTM3U');

  // Rewritten lines get the token at the end, once the duration (and so the query) is known.
  const pending: { index: number; head: string; tail: string }[] = [];
  let duration = 0;
  let awaitingUri = false;
  let targetDuration = false;
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) line = lines[i] = line.slice(0, -1);
    if (line.length === 0) continue;
    if (line.charCodeAt(0) !== 35 /* # */) {
      if (!awaitingUri) return fail(i + 1, `URI ${JSON.stringify(line.slice(0, 80))} without a preceding #EXTINF`);
      const target = resolver.resolve(line.trim());
      if ('error' in target) return fail(i + 1, target.error);
      pending.push({ index: i, head: target.url + target.separator, tail: '' });
      awaitingUri = false;
    } else if (line.startsWith('#EXTINF:')) {
      if (awaitingUri) return fail(i + 1, '#EXTINF follows an #EXTINF that has no URI');
      const seconds = parseFloat(line.slice(8));
      if (!(seconds >= 0) || !Number.isFinite(seconds)) return fail(i + 1, `#EXTINF duration is not a number: ${line.slice(0, 80)}`);
      duration += seconds;
      awaitingUri = true;
    } else if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      if (!/^\d+$/.test(line.slice(22).trim())) return fail(i + 1, `#EXT-X-TARGETDURATION must be an integer: ${line.slice(0, 80)}`);
      targetDuration = true;
    } else if (startsWithAny(line, URI_TAGS)) {
      const span = uriAttributeSpan(line);
      if (!span) {
        // Only a key with METHOD=NONE names no file.
        if (!line.startsWith('#EXT-X-KEY:') || !/METHOD=NONE/.test(line)) return fail(i + 1, `${line.slice(0, line.indexOf(':'))} has no quoted URI attribute`);
        continue;
      }
      const target = resolver.resolve(line.slice(span[0], span[1]));
      if ('error' in target) return fail(i + 1, target.error);
      pending.push({ index: i, head: line.slice(0, span[0]) + target.url + target.separator, tail: line.slice(span[1]) });
    } else if (line.startsWith(RENDITION_REPORT)) {
      const span = uriAttributeSpan(line);
      if (!span) return fail(i + 1, 'EXT-X-RENDITION-REPORT has no quoted URI attribute');
      const sibling = siblingPlaylistUri(line.slice(span[0], span[1]), options.mediaPathPrefix);
      if ('error' in sibling) return fail(i + 1, sibling.error);
      lines[i] = line.slice(0, span[0]) + sibling.uri + line.slice(span[1]);
    } else if (startsWithAny(line, MASTER_TAGS)) {
      return fail(i + 1, `${line.split(':')[0]} belongs to a master playlist; expected a media playlist`);
    }
  }
  if (awaitingUri) return fail(lines.length, 'the last #EXTINF has no URI');
  if (!targetDuration) return { ok: false, error: 'media playlist has no #EXT-X-TARGETDURATION' };

  const durationSeconds = Math.round(duration * 1000) / 1000;
  const query = typeof options.segmentQuery === 'string' ? options.segmentQuery : options.segmentQuery({ durationSeconds });
  for (const { index, head, tail } of pending) lines[index] = head + query + tail;
  return { ok: true, text: lines.join('\n'), durationSeconds };
}
