import type { JSONWebKeySet } from 'jose';
import { verifyJwt, type JwtCheck } from '../auth/verify-jwt.ts';
import { VerifiedTokens } from '../auth/verified-tokens.ts';
import { ipInRanges } from '../../../contracts/cidr.ts';
import { PlaybackClaims } from '../../../contracts/playback-token.ts';

export type PlaybackCheck =
  | { ok: true; claims: PlaybackClaims }
  /** 401: not a valid token. 403: a valid token that does not open this request. 503: the key set itself is broken. */
  | { ok: false; status: 401 | 403 | 503; reason: string };

export interface PlaybackRequest {
  /** The public keys (KV `jwks`). Pass the same object while it is unchanged: its imported form is cached. */
  jwks: JSONWebKeySet;
  /** Epoch milliseconds. */
  now: number;
  /** The video the request is for; the token's `sub` must name it. */
  videoId?: string;
  /** The viewer's country (e.g. `request.cf.country`). */
  country?: string;
  clientIp?: string;
}

const deny = (status: 401 | 403 | 503, reason: string): PlaybackCheck => ({ ok: false, status, reason });

// A player sends one token with every playlist reload: its signature is checked once per isolate and key set.
const verifiedTokens = new VerifiedTokens<PlaybackClaims>();

async function verifiedClaims(token: string, request: PlaybackRequest): Promise<JwtCheck<PlaybackClaims>> {
  const known = verifiedTokens.get(request.jwks, token, request.now);
  if (known) return { ok: true, claims: known };
  const checked = await verifyJwt(token, { jwks: request.jwks, now: request.now, schema: PlaybackClaims, requiredClaims: ['sub'] });
  if (checked.ok) verifiedTokens.set(request.jwks, token, Object.freeze(checked.claims));
  return checked;
}

/** Who may watch: checks a playback JWT (or finds it verified already) and its access rules for one request. Never throws. */
export async function verifyPlaybackToken(token: string, request: PlaybackRequest): Promise<PlaybackCheck> {
  const checked = await verifiedClaims(token, request);
  if (!checked.ok) return checked.status === 503 ? deny(503, 'playback key set is invalid') : checked;
  const claims = checked.claims;

  if (request.videoId !== undefined && claims.sub !== request.videoId) return deny(403, 'token is for another video');
  const { allow, block } = claims.countries ?? {};
  if (allow && (request.country === undefined || !allow.includes(request.country))) return deny(403, 'not available in this country');
  if (block && request.country !== undefined && block.includes(request.country)) return deny(403, 'not available in this country');
  if (claims.ipRanges && (request.clientIp === undefined || !ipInRanges(request.clientIp, claims.ipRanges))) return deny(403, 'not available from this network');
  return { ok: true, claims };
}
