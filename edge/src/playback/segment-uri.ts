import { ID_CHARS, MAX_ID_LENGTH } from '../../../contracts/ids.ts';

/** Where a media playlist's segments go: `${nodeBaseUrl}/media/{videoId}/{rendition}/{file}?{token}`. */
export interface SegmentTarget {
  /** The chosen CDN node, e.g. `http://127.0.0.1:8081` (a trailing slash is ignored). */
  nodeBaseUrl: string;
  /** The playlist's folder on the origin, `/media/{videoId}/{rendition}/` (live: `/media/live/{inputId}/b{n}/{rung}/`): relative URIs resolve against it. */
  mediaPathPrefix: string;
}

export interface SegmentResolver {
  /** The absolute URL without the token, plus the separator the token needs (`?` or `&`); or an error. */
  resolve(uri: string): { url: string; separator: '?' | '&' } | { error: string };
  videoPrefix: string;
}

// The segment token covers the video's folder, or the live input's under /media/live/.
const MEDIA_PREFIX = new RegExp(`^(/media/(?:live/)?${ID_CHARS}{1,${MAX_ID_LENGTH}}/)(?:[A-Za-z0-9._~-]+/)*$`);
// A bare file name ("seg_00001.m4s") needs no URL parsing: the fast path for thousands of lines.
const PLAIN_FILE = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
const ORIGIN = 'http://origin.invalid';

export function segmentResolver(target: SegmentTarget): SegmentResolver | { error: string } {
  const prefix = MEDIA_PREFIX.exec(target.mediaPathPrefix);
  if (!prefix) return { error: `mediaPathPrefix must look like /media/{videoId}/{rendition}/, got ${JSON.stringify(target.mediaPathPrefix)}` };
  let node: URL;
  try {
    node = new URL(target.nodeBaseUrl);
  } catch {
    return { error: `nodeBaseUrl ${JSON.stringify(target.nodeBaseUrl)} is not a URL` };
  }
  if (node.protocol !== 'http:' && node.protocol !== 'https:') return { error: `nodeBaseUrl must be http(s), got ${target.nodeBaseUrl}` };
  const nodeBase = target.nodeBaseUrl.replace(/\/+$/, '');
  const folderUrl = nodeBase + target.mediaPathPrefix;
  const folder = new URL(target.mediaPathPrefix, ORIGIN);
  const videoPrefix = prefix[1]!;
  return {
    videoPrefix,
    resolve(uri) {
      if (PLAIN_FILE.test(uri)) return { url: folderUrl + uri, separator: '?' };
      let url: URL;
      try {
        url = new URL(uri, folder);
      } catch {
        return { error: `segment URI ${JSON.stringify(uri)} is not a URL` };
      }
      // The host of an absolute origin URI is dropped: segments always come from the chosen node.
      if (!url.pathname.startsWith(videoPrefix)) return { error: `segment URI ${JSON.stringify(uri)} resolves outside ${videoPrefix}, which the segment token covers` };
      return { url: nodeBase + url.pathname + url.search, separator: url.search ? '&' : '?' };
    },
  };
}
