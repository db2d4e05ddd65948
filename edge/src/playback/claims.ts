import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { describeIssues } from '../../../contracts/issues.ts';
import { ipInRanges } from './cidr.ts';
import { CLOCK_TOLERANCE_SECONDS, MAX_PLAYBACK_TOKEN_CHARS, PLAYBACK_ALGORITHMS, PlaybackClaims } from './claims-schema.ts';

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

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const keySets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

function keySetFor(jwks: JSONWebKeySet): JWTVerifyGetKey | null {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    try {
      keySet = createLocalJWKSet(jwks);
    } catch {
      return null;
    }
    keySets.set(jwks, keySet);
  }
  return keySet;
}

const deny = (status: 401 | 403 | 503, reason: string): PlaybackCheck => ({ ok: false, status, reason });

function verificationFailure(error: unknown): PlaybackCheck {
  if (error instanceof errors.JWTExpired) return deny(401, 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return deny(401, error.claim === 'nbf' ? 'token not yet valid' : `token claim ${error.claim} is invalid`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return deny(401, 'unknown signing key (kid)');
  if (error instanceof errors.JOSEAlgNotAllowed) return deny(401, 'token algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return deny(401, 'bad token signature');
  return deny(401, 'malformed token');
}

/** Who may watch: checks a playback JWT and its access rules for one request. Never throws. */
export async function verifyPlaybackToken(token: string, request: PlaybackRequest): Promise<PlaybackCheck> {
  if (typeof token !== 'string' || token.length > MAX_PLAYBACK_TOKEN_CHARS) return deny(401, 'token too large');
  if (!COMPACT_JWS.test(token)) return deny(401, 'malformed token');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return deny(401, 'malformed token');
  }
  // Checked before any key lookup: `none` and HMAC-with-a-public-key never reach verification.
  if (!(PLAYBACK_ALGORITHMS as readonly unknown[]).includes(header.alg)) return deny(401, 'token algorithm not allowed');
  if (typeof header.kid !== 'string' || header.kid.length === 0) return deny(401, 'token has no kid');
  const keySet = keySetFor(request.jwks);
  if (!keySet) return deny(503, 'playback key set is invalid');

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: [...PLAYBACK_ALGORITHMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(request.now),
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    return verificationFailure(error);
  }
  const parsed = PlaybackClaims.safeParse(payload);
  if (!parsed.success) return deny(401, `invalid claims: ${describeIssues(parsed.error, 2)}`);
  const claims = parsed.data;

  if (request.videoId !== undefined && claims.sub !== request.videoId) return deny(403, 'token is for another video');
  const { allow, block } = claims.countries ?? {};
  if (allow && (request.country === undefined || !allow.includes(request.country))) return deny(403, 'not available in this country');
  if (block && request.country !== undefined && block.includes(request.country)) return deny(403, 'not available in this country');
  if (claims.ipRanges && (request.clientIp === undefined || !ipInRanges(request.clientIp, claims.ipRanges))) return deny(403, 'not available from this network');
  return { ok: true, claims };
}
