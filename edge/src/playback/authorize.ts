import type { MiddlewareHandler } from 'hono';
import { PLAYBACK_REFUSAL_CODE } from '../../../contracts/http.ts';
import type { EdgeEnv } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { kvCacheMs } from '../kv-read-cache.ts';
import { invalidatePlaybackKeys, readPlaybackKeys } from '../keys/store.ts';
import type { PlaybackClaims } from '../../../contracts/playback-token.ts';
import { verifyPlaybackToken } from './claims.ts';
import { UNKNOWN_KID } from '../auth/verify-jwt.ts';
import { lazyViewerOf, type Viewer } from './viewer.ts';

/** Routes under `/v/{token}/`: the verified claims (`sub` is the video) and the viewer, set by requirePlaybackToken. */
export type PlaybackApp = { Bindings: EdgeEnv; Variables: { claims: PlaybackClaims; viewer: Viewer } };

/** Verifies `:token` against KV `jwks` and the viewer's country and IP; refusals are 401/403 JSON with a short reason. */
export function requirePlaybackToken(): MiddlewareHandler<PlaybackApp> {
  return async (c, next) => {
    const viewer = lazyViewerOf(c.req.raw);
    const token = c.req.param('token') ?? '';
    const verify = async (maxAgeMs: number) => {
      const keys = await readPlaybackKeys(c.env.KEYS, { maxAgeMs });
      if (!keys.ok) throw new EdgeError(keys.status, keys.code, keys.reason);
      // Getters, not a spread: the viewer's country and IP are read only for a token with rules about them.
      return verifyPlaybackToken(token, {
        jwks: keys.jwks,
        now: Date.now(),
        get country() {
          return viewer.country;
        },
        get clientIp() {
          return viewer.clientIp;
        },
      });
    };
    const maxAgeMs = kvCacheMs(c.env.KV_CACHE_MS);
    let check = await verify(maxAgeMs);
    if (!check.ok && maxAgeMs > 0 && check.reason === UNKNOWN_KID) {
      // A key pushed since this isolate's last read: the origin signs with a new key at once (keys/minting-key.ts).
      invalidatePlaybackKeys(c.env.KEYS);
      check = await verify(0);
    }
    if (!check.ok) throw new EdgeError(check.status, PLAYBACK_REFUSAL_CODE[check.status], check.reason, { 'Cache-Control': 'no-store' });
    c.set('claims', check.claims);
    c.set('viewer', viewer);
    await next();
  };
}
