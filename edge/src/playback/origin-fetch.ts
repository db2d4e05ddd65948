import { pullHeaders } from '../../../contracts/pull-signing.ts';
import { MAX_PLAYLIST_CHARS } from './hls-strict.ts';
import { freshSecondsLeft, sharedCacheSeconds } from './cache-control.ts';
import { blockingReloadRefusal, originRefusal, type OriginRefusal } from './origin-refusal.ts';

/** An origin that has not answered (headers) by then is down as far as a viewer is concerned. */
export const ORIGIN_TIMEOUT_MS = 4000;
/**
 * A blocking playlist reload: the gateway holds it up to 6 s (3 target durations) before its 503, the shield waits
 * 8 s for it (shield/vcl.ts); past 9 s hls.js (10 s to first byte for playlists) would give up on the edge anyway.
 */
export const BLOCKING_RELOAD_TIMEOUT_MS = 9000;
/** Tries of a media GET that fails before any answer (a refused or dropped connection), within the one timeout. */
export const ORIGIN_ATTEMPTS = 2;

export type OriginFailure = { ok: false } & OriginRefusal;
export type OriginResponse = { ok: true; response: Response } | OriginFailure;
export type OriginText = { ok: true; text: string; maxAgeSeconds: number; cached: boolean } | OriginFailure;

// Decoded by hand: workerd warns that .text() on an application/vnd.apple.mpegurl body may be corrupted.
const playlistText = async (response: Response): Promise<string> => new TextDecoder().decode(await response.arrayBuffer());

/** An origin error body is a short JSON sentence: more than this is not one, and is not read. */
const MAX_ERROR_BODY_BYTES = 8 * 1024;

const failure = (status: OriginRefusal['status'], code: string, message: string): OriginFailure => ({ ok: false, status, code, message });

/** Where the edge pulls media from (the shield, or the gateway itself) and the secret it signs each pull with. */
export interface MediaSource {
  baseUrl: string;
  /** PULL_SECRET (contracts/pull-signing.ts); unset = unsigned pulls, which a private gateway refuses. */
  pullSecret?: string;
}

/** The edge's media source from its bindings: MEDIA_URL (the shield) when set, else ORIGIN_URL. */
export function mediaSourceOf(env: { ORIGIN_URL: string; MEDIA_URL?: string; PULL_SECRET?: string }): MediaSource {
  return { baseUrl: env.MEDIA_URL || env.ORIGIN_URL, pullSecret: env.PULL_SECRET };
}

export interface OriginFetchOptions {
  /** Default ORIGIN_TIMEOUT_MS. */
  timeoutMs?: number;
  /** LL-HLS delivery directives (`_HLS_msn=…&_HLS_part=…`, delivery-directives.ts): a blocking reload. The pull is signed over the path alone. */
  blockingQuery?: string;
}

/** GET `{baseUrl}{path}` from the media source, signed, bounded by ORIGIN_TIMEOUT_MS; any non-200 becomes a failure value. */
export async function fetchOrigin(source: MediaSource, path: string, options: OriginFetchOptions = {}): Promise<OriginResponse> {
  const { timeoutMs = ORIGIN_TIMEOUT_MS, blockingQuery } = options;
  const url = `${source.baseUrl.replace(/\/+$/, '')}${path}${blockingQuery ? `?${blockingQuery}` : ''}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const headers = source.pullSecret ? await pullHeaders({ method: 'GET', path, secret: source.pullSecret, nowSeconds: Math.floor(Date.now() / 1000) }) : {};
  let response: Response | undefined;
  let lastError: unknown;
  // A GET is asked twice before the viewer sees a 502: a pooled connection the server closed as it was reused fails
  // at once ("Network connection lost"), and a fresh one then answers. Both tries share the one timeout.
  for (let attempt = 1; attempt <= ORIGIN_ATTEMPTS && !response; attempt++) {
    try {
      response = await fetch(url, { signal, redirect: 'manual', headers });
    } catch (error) {
      if (signal.aborted) return failure(504, 'origin_timeout', `the origin did not answer ${path} within ${timeoutMs} ms`);
      lastError = error;
    }
  }
  if (!response) {
    return failure(502, 'origin_unreachable', `the origin is not reachable for ${path} (${ORIGIN_ATTEMPTS} tries): ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
  if (response.status === 200) return { ok: true, response };
  const explained = response.status === 409 || (blockingQuery !== undefined && (response.status === 400 || response.status === 503));
  const body = explained ? await boundedJson(response) : (await response.body?.cancel(), null);
  const refusal = blockingQuery === undefined ? originRefusal : blockingReloadRefusal;
  return { ok: false, ...refusal(path, response.status, body, response.headers.get('Retry-After')) };
}

/** The JSON of a small error body, or null when it is large, unreadable or not JSON. */
async function boundedJson(response: Response): Promise<unknown> {
  if (Number(response.headers.get('Content-Length') ?? 0) > MAX_ERROR_BODY_BYTES) {
    await response.body?.cancel();
    return null;
  }
  try {
    const bytes = await response.arrayBuffer();
    return bytes.byteLength > MAX_ERROR_BODY_BYTES ? null : JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/**
 * A playlist from the origin, through the Cache API: kept as long as the origin's Cache-Control allows,
 * at most EDGE_CACHE_MAX_SECONDS. The text is bounded (MAX_PLAYLIST_CHARS) before it is read whole.
 * A blocking reload (`blockingQuery`) skips the cache both ways: it is asked of the origin, which holds it until
 * the part exists, and its answer is this viewer's alone (maxAgeSeconds 0).
 */
export async function fetchOriginPlaylist(source: MediaSource, path: string, cache: Cache | null, blockingQuery?: string): Promise<OriginText> {
  if (blockingQuery !== undefined) cache = null;
  const key = new Request(`${source.baseUrl.replace(/\/+$/, '')}${path}`);
  const hit = await cache?.match(key);
  if (hit) return { ok: true, text: await playlistText(hit), maxAgeSeconds: sharedCacheSeconds(hit.headers.get('Cache-Control')), cached: true };

  const fetched = await fetchOrigin(source, path, blockingQuery === undefined ? {} : { blockingQuery, timeoutMs: BLOCKING_RELOAD_TIMEOUT_MS });
  if (!fetched.ok) return fetched;
  const { response } = fetched;
  const declared = Number(response.headers.get('Content-Length') ?? 0);
  if (declared > MAX_PLAYLIST_CHARS) {
    await response.body?.cancel();
    return failure(502, 'bad_origin_playlist', `the origin's ${path} is ${declared} bytes, over the ${MAX_PLAYLIST_CHARS} limit`);
  }
  const text = await playlistText(response);
  if (text.length > MAX_PLAYLIST_CHARS) return failure(502, 'bad_origin_playlist', `the origin's ${path} is over the ${MAX_PLAYLIST_CHARS} character limit`);

  const maxAgeSeconds = blockingQuery === undefined ? sharedCacheSeconds(response.headers.get('Cache-Control')) : 0;
  // The edge keeps it only for what is left once the shield has held it (its Age): a 1-s live playlist the shield
  // kept 1 s is not kept here another second. The viewer's own private max-age stays the origin's.
  const keepSeconds = blockingQuery === undefined ? freshSecondsLeft(response.headers.get('Cache-Control'), response.headers.get('Age')) : 0;
  if (cache && keepSeconds > 0) {
    const headers = { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': `public, max-age=${keepSeconds}` };
    await cache.put(key, new Response(text, { headers }));
  }
  return { ok: true, text, maxAgeSeconds, cached: false };
}
