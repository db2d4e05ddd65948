import { NAME_PATTERN } from '../../../contracts/ids.ts';

const ORIGIN = 'http://origin.invalid';
const PLAYLIST = 'playlist.m3u8';

/**
 * An EXT-X-RENDITION-REPORT URI (a sibling rendition's media playlist) as a viewer must see it:
 * `../{rendition}/playlist.m3u8`. Playlists stay on the edge, and a relative URI resolves under the viewer's own
 * `/v/{token}/…` path, so it carries the viewer's token without naming it (the rewrite stays shareable between
 * viewers). The URI is resolved against the playlist's origin folder; anything but a sibling's playlist is refused,
 * so an origin playlist cannot send players elsewhere. Pure.
 */
export function siblingPlaylistUri(uri: string, mediaPathPrefix: string): { uri: string } | { error: string } {
  let resolved: URL;
  try {
    resolved = new URL(uri, ORIGIN + mediaPathPrefix);
  } catch {
    return { error: `rendition report URI ${JSON.stringify(uri)} is not a URL` };
  }
  const parent = mediaPathPrefix.replace(/[^/]+\/$/, '');
  const rest = resolved.pathname.startsWith(parent) ? resolved.pathname.slice(parent.length) : '';
  const [rendition, file, ...more] = rest.split('/');
  if (!rendition || !NAME_PATTERN.test(rendition) || file !== PLAYLIST || more.length > 0) {
    return { error: `rendition report URI ${JSON.stringify(uri)} does not name a sibling rendition's ${PLAYLIST} (under ${parent})` };
  }
  return { uri: `../${rendition}/${PLAYLIST}` };
}
