/** Pure: the player origins allowed to call the edge from another site (CORS), read from configuration. */

export type AllowedOrigins = { ok: true; any: boolean; origins: ReadonlySet<string> } | { ok: false; reason: string };

const ORIGIN_SHAPE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/**
 * `CORS_ALLOWED_ORIGINS`: origins separated by commas or spaces (`https://player.example, http://localhost:3000`),
 * or `*` for any site. Unset or empty allows none (same-origin pages, like the watch page, need no CORS).
 */
export function parseAllowedOrigins(value: string | undefined): AllowedOrigins {
  const entries = (value ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.includes('*')) {
    return entries.length === 1 ? { ok: true, any: true, origins: new Set() } : { ok: false, reason: '`*` allows every origin and cannot be combined with a list' };
  }
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = entry.toLowerCase().replace(/\/$/, '');
    if (!ORIGIN_SHAPE.test(origin)) return { ok: false, reason: `"${entry}" is not an origin (scheme://host[:port], no path)` };
    origins.add(origin);
  }
  return { ok: true, any: false, origins };
}

/** Pure: the `Access-Control-Allow-Origin` value for a request's `Origin`, or null when it is not allowed. */
export function allowedOriginFor(origin: string, allowed: Extract<AllowedOrigins, { ok: true }>): string | null {
  if (origin === '') return null;
  if (allowed.any) return '*';
  return allowed.origins.has(origin.toLowerCase()) ? origin : null;
}
