import type { MiddlewareHandler } from 'hono';
import { PLAYBACK_REFUSAL_CODE } from '../../../contracts/http.ts';
import type { EdgeEnv } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { readPlaybackKeys } from '../keys/store.ts';
import type { PlaybackClaims } from '../../../contracts/playback-token.ts';
import { verifyPlaybackToken } from './claims.ts';
import { viewerOf, type Viewer } from './viewer.ts';

/** Routes under `/v/{token}/`: the verified claims (`sub` is the video) and the viewer, set by requirePlaybackToken. */
export type PlaybackApp = { Bindings: EdgeEnv; Variables: { claims: PlaybackClaims; viewer: Viewer } };

/** Verifies `:token` against KV `jwks` and the viewer's country and IP; refusals are 401/403 JSON with a short reason. */
export function requirePlaybackToken(): MiddlewareHandler<PlaybackApp> {
  return async (c, next) => {
    const keys = await readPlaybackKeys(c.env.KEYS);
    if (!keys.ok) throw new EdgeError(keys.status, keys.code, keys.reason);
    const viewer = viewerOf(c.req.raw);
    const check = await verifyPlaybackToken(c.req.param('token') ?? '', { jwks: keys.jwks, now: Date.now(), ...viewer });
    if (!check.ok) throw new EdgeError(check.status, PLAYBACK_REFUSAL_CODE[check.status], check.reason, { 'Cache-Control': 'no-store' });
    c.set('claims', check.claims);
    c.set('viewer', viewer);
    await next();
  };
}
