import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from './errors.ts';
import { allowedOriginFor, parseAllowedOrigins, type AllowedOrigins } from './cors-origins.ts';

/** The variable is read per request (Workers bindings arrive with it), parsed once per distinct value. */
let parsed: { value: string | undefined; allowed: AllowedOrigins } | null = null;
function allowedOrigins(value: string | undefined): AllowedOrigins {
  if (parsed === null || parsed.value !== value) parsed = { value, allowed: parseAllowedOrigins(value) };
  return parsed.allowed;
}

/**
 * CORS for the routes a player on another site calls (playlists, images, `/beacon`): origins from
 * `CORS_ALLOWED_ORIGINS`, preflights answered here (204) before any token check. No credentials: the
 * playback token travels in the path or in `Authorization`, never in a cookie.
 */
export function corsForPlayers(methods: string[]): MiddlewareHandler<EdgeApp> {
  const handler = cors({
    origin: (origin, c) => {
      const allowed = allowedOrigins(c.env.CORS_ALLOWED_ORIGINS);
      if (!allowed.ok) {
        throw new EdgeError(500, 'misconfigured', `CORS_ALLOWED_ORIGINS is unusable: ${allowed.reason} (a wrangler var, e.g. "https://player.example.com")`);
      }
      return allowedOriginFor(origin, allowed);
    },
    allowMethods: methods,
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After', 'X-Vora-Cdn-Node'],
    maxAge: 600,
  });
  return handler as MiddlewareHandler<EdgeApp>;
}
