import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { z } from 'zod';
import { describeIssues } from '../../../contracts/issues.ts';
import { CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_CHARS, TOKEN_ALGORITHMS } from '../../../contracts/token-signing.ts';

export type JwtCheck<Claims> =
  | { ok: true; claims: Claims }
  /** 401: not a valid token. 503: the key set itself is broken. */
  | { ok: false; status: 401 | 503; reason: string };

export interface JwtVerifyOptions<Schema extends z.ZodType> {
  /** The public keys (KV `jwks`). Pass the same object while it is unchanged: its imported form is cached. */
  jwks: JSONWebKeySet;
  /** Epoch milliseconds. */
  now: number;
  /** The claims' shape, checked after the signature. */
  schema: Schema;
  /** Claims that must be present (jose checks them before the schema); `exp` is always required. */
  requiredClaims?: string[];
}

/** The reason when no key of the set has the token's kid (a key newer than the set read, or a forged kid). */
export const UNKNOWN_KID = 'unknown signing key (kid)';

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

const deny = (status: 401 | 503, reason: string) => ({ ok: false, status, reason }) as const;

function verificationFailure(error: unknown) {
  if (error instanceof errors.JWTExpired) return deny(401, 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return deny(401, error.claim === 'nbf' ? 'token not yet valid' : `token claim ${error.claim} is invalid`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return deny(401, UNKNOWN_KID);
  if (error instanceof errors.JOSEAlgNotAllowed) return deny(401, 'token algorithm not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return deny(401, 'bad token signature');
  return deny(401, 'malformed token');
}

/** Checks a compact JWS against the key set and the claims schema. Never throws: a bad token is a value. */
export async function verifyJwt<Schema extends z.ZodType>(token: string, options: JwtVerifyOptions<Schema>): Promise<JwtCheck<z.infer<Schema>>> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return deny(401, 'token too large');
  if (!COMPACT_JWS.test(token)) return deny(401, 'malformed token');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return deny(401, 'malformed token');
  }
  // Checked before any key lookup: `none` and HMAC-with-a-public-key never reach verification.
  if (!(TOKEN_ALGORITHMS as readonly unknown[]).includes(header.alg)) return deny(401, 'token algorithm not allowed');
  if (typeof header.kid !== 'string' || header.kid.length === 0) return deny(401, 'token has no kid');
  const keySet = keySetFor(options.jwks);
  if (!keySet) return deny(503, 'token key set is invalid');

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: [...TOKEN_ALGORITHMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(options.now),
      requiredClaims: ['exp', ...(options.requiredClaims ?? [])],
    }));
  } catch (error) {
    return verificationFailure(error);
  }
  const parsed = options.schema.safeParse(payload);
  if (!parsed.success) return deny(401, `invalid claims: ${describeIssues(parsed.error, 2)}`);
  return { ok: true, claims: parsed.data };
}
