import type { JSONWebKeySet } from 'jose';
import { CLOCK_TOLERANCE_SECONDS } from '../../../contracts/token-signing.ts';

/** The time claims a hit is checked against again: only the signature and the claims' shape are taken as read. */
export interface TimedClaims {
  exp: number;
  nbf?: number;
}

/**
 * Tokens this isolate has verified, by their exact text, under the exact key set object they verified against
 * (keys/store.ts hands out one object per stored text): a player sends the same token with every playlist
 * reload, and the ES256 check was a fifth of the edge's CPU per playlist. Only successes are kept (a forged token
 * is never remembered, so it is checked and refused every time); a hit is used only while the token is inside its
 * nbf/exp window, with jose's clock tolerance, so it answers exactly as a full verification would. A new key set (a
 * key pushed or revoked) is a new object: nothing verified under the old one is found. Pure apart from its memory.
 */
export class VerifiedTokens<Claims extends TimedClaims> {
  private keySet: JSONWebKeySet | null = null;
  private readonly entries = new Map<string, Claims>();

  constructor(private readonly capacity = 1024) {}

  /** The claims of `token` when it verified under `jwks` and is still within its time window at `nowMs`. */
  get(jwks: JSONWebKeySet, token: string, nowMs: number): Claims | undefined {
    if (jwks !== this.keySet) return undefined;
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    const now = Math.floor(nowMs / 1000);
    if (claims.exp <= now - CLOCK_TOLERANCE_SECONDS || (claims.nbf !== undefined && claims.nbf > now + CLOCK_TOLERANCE_SECONDS)) {
      // Out of its window: the full verification gives the refusal (expired, or not yet valid).
      this.entries.delete(token);
      return undefined;
    }
    this.entries.delete(token);
    this.entries.set(token, claims);
    return claims;
  }

  /** Keeps `token`'s claims after a successful verification under `jwks`; another key set starts afresh. */
  set(jwks: JSONWebKeySet, token: string, claims: Claims): void {
    if (jwks !== this.keySet) {
      this.entries.clear();
      this.keySet = jwks;
    }
    this.entries.delete(token);
    this.entries.set(token, claims);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
