/** The edge caches origin playlists at most this long: short, so a new rendition or a fix shows up quickly. */
export const EDGE_CACHE_MAX_SECONDS = 60;
/** Viewers keep a playlist at most this long (then re-ask, getting a fresh node choice and token). */
export const VIEWER_CACHE_MAX_SECONDS = 60;

/**
 * How long the edge may keep an origin response, from its Cache-Control, capped at `capSeconds`:
 * 0 for `no-store`, `no-cache`, `private` or no max-age (the origin did not say it may be shared). Pure.
 */
export function sharedCacheSeconds(cacheControl: string | null, capSeconds = EDGE_CACHE_MAX_SECONDS): number {
  if (!cacheControl) return 0;
  const directives = new Map<string, string | undefined>();
  for (const part of cacheControl.toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name) directives.set(name, value?.replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store') || directives.has('no-cache') || directives.has('private')) return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age'));
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(Math.floor(seconds), capSeconds);
}

/**
 * What is left of that lifetime once the shared caches before us have held the response for `age` seconds (its `Age`
 * header): a live playlist the shield kept for its 1 s must not be kept another second here. Pure.
 */
export function freshSecondsLeft(cacheControl: string | null, age: string | null, capSeconds = EDGE_CACHE_MAX_SECONDS): number {
  const held = Number(age ?? 0);
  const left = sharedCacheSeconds(cacheControl, Number.POSITIVE_INFINITY) - (Number.isFinite(held) && held > 0 ? Math.floor(held) : 0);
  return Math.max(0, Math.min(left, capSeconds));
}

/**
 * A viewer's Cache-Control for something opened by a token: private (the URL is a credential), and never
 * kept past the token's expiry (`exp`, unix seconds) nor past `maxSeconds`. Pure.
 */
export function viewerCacheControl(maxSeconds: number, tokenExp: number, nowMs: number): string {
  const tokenLeft = tokenExp - Math.floor(nowMs / 1000);
  const seconds = Math.max(0, Math.min(Math.floor(maxSeconds), VIEWER_CACHE_MAX_SECONDS, tokenLeft));
  return `private, max-age=${seconds}`;
}
