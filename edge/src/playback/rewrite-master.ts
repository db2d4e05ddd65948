import type { MasterPlaylist, Rendition, Variant } from 'hls-parser/types.js';
import { ID_CHARS, MAX_ID_LENGTH } from '../../../contracts/ids.ts';
import { parseStrict, stringifyPlaylist } from './hls-strict.ts';

export type RewriteResult = { ok: true; text: string } | { ok: false; error: string };

export interface MasterRewriteOptions {
  /** The edge path the viewer fetched the master under, `/v/{token}/`: every output URI must resolve inside it. */
  tokenPath: string;
  /** Drop variants taller than this (a `maxHeight` claim); the lowest one survives if all are taller. */
  maxHeight?: number;
}

const ORIGIN_MEDIA_PATH = new RegExp(`^/media/${ID_CHARS}{1,${MAX_ID_LENGTH}}/(.+)$`);

/**
 * A variant or rendition URI as the edge serves it: relative to the master, so it keeps `/v/{token}/`.
 * Absolute origin URIs (`http://origin/media/{videoId}/720p/playlist.m3u8` or `/media/{videoId}/…`)
 * become `720p/playlist.m3u8`; anything that would leave the token path is an error.
 */
function edgeRelativeUri(uri: string, edgeMaster: URL, tokenPath: string): string | { error: string } {
  let relative = uri;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) || uri.startsWith('/')) {
    let path: string;
    try {
      const url = new URL(uri, edgeMaster);
      path = url.pathname + url.search;
    } catch {
      return { error: `variant URI ${JSON.stringify(uri)} is not a URL` };
    }
    const inVideo = ORIGIN_MEDIA_PATH.exec(path);
    if (!inVideo) return { error: `variant URI ${JSON.stringify(uri)} is outside /media/{videoId}/ on the origin` };
    relative = inVideo[1]!;
  }
  const resolved = new URL(relative, edgeMaster);
  if (resolved.origin !== edgeMaster.origin || !resolved.pathname.startsWith(tokenPath)) {
    return { error: `variant URI ${JSON.stringify(uri)} resolves outside the playback path` };
  }
  return relative;
}

/** Keeps variants up to maxHeight; variants without a resolution (audio-only) always stay. */
function filterByHeight(variants: Variant[], maxHeight: number): Variant[] {
  const kept = variants.filter((variant) => (variant.resolution?.height ?? 0) <= maxHeight);
  if (kept.length > 0 || variants.length === 0) return kept;
  const lowest = Math.min(...variants.map((variant) => variant.resolution?.height ?? 0));
  return variants.filter((variant) => (variant.resolution?.height ?? 0) === lowest);
}

function renditionsOf(variant: Variant): Rendition[] {
  return [...variant.audio, ...variant.video, ...variant.subtitles, ...variant.closedCaptions];
}

/** Rewrites the origin's master playlist for one viewer. Malformed input is an error value, never a throw. */
export function rewriteMaster(text: string, options: MasterRewriteOptions): RewriteResult {
  const tokenPath = options.tokenPath.endsWith('/') ? options.tokenPath : `${options.tokenPath}/`;
  if (!tokenPath.startsWith('/')) return { ok: false, error: `tokenPath must be an absolute path such as /v/{token}/, got ${options.tokenPath}` };
  const parsed = parseStrict(text);
  if (!parsed.ok) return parsed;
  if (!parsed.playlist.isMasterPlaylist) return { ok: false, error: 'expected a master playlist, got a media playlist' };
  const master = parsed.playlist as MasterPlaylist;
  if (master.variants.length === 0) return { ok: false, error: 'master playlist has no variants' };

  const edgeMaster = new URL(`${tokenPath}master.m3u8`, 'https://edge.invalid');
  for (const variant of master.variants) {
    const uri = edgeRelativeUri(variant.uri, edgeMaster, tokenPath);
    if (typeof uri !== 'string') return { ok: false, error: uri.error };
    variant.uri = uri;
    for (const rendition of renditionsOf(variant)) {
      if (rendition.uri === undefined) continue;
      const renditionUri = edgeRelativeUri(rendition.uri, edgeMaster, tokenPath);
      if (typeof renditionUri !== 'string') return { ok: false, error: renditionUri.error };
      rendition.uri = renditionUri;
    }
  }

  if (options.maxHeight !== undefined) {
    const streams = filterByHeight(master.variants.filter((variant) => !variant.isIFrameOnly), options.maxHeight);
    const iFrames = filterByHeight(master.variants.filter((variant) => variant.isIFrameOnly), options.maxHeight);
    master.variants = [...streams, ...iFrames];
  }
  const written = stringifyPlaylist(master);
  return written.ok ? { ok: true, text: written.playlist } : written;
}
