/**
 * Pure: slows down an address that keeps presenting bad API tokens, without locking out good tokens
 * from the same address (a NAT, a CI runner). Past `failuresPerWindow` failures in `windowMs`, the address
 * gets one token check per `checkIntervalMs`; other requests are told to come back (429, Retry-After).
 * A token that was valid recently is checked at once whatever its address did.
 */
export interface BadTokenLimits {
  failuresPerWindow: number;
  windowMs: number;
  checkIntervalMs: number;
  /** How long a token that verified stays "known good" (it is still verified every time). */
  knownGoodMs: number;
  /** Past this many addresses or tokens the oldest are forgotten (bounds memory against address scans). */
  maxEntries: number;
}

export const DEFAULT_BAD_TOKEN_LIMITS: BadTokenLimits = {
  failuresPerWindow: 10,
  windowMs: 60_000,
  checkIntervalMs: 1_000,
  knownGoodMs: 10 * 60_000,
  maxEntries: 10_000,
};

export type Admission = { check: true } | { check: false; retryAfterSeconds: number };

interface AddressState {
  failures: number[];
  lastCheckAt: number;
}

export interface BadTokenLimiter {
  /** Before verifying: may this request's token be checked now? `tokenKey` is a hash of the token. */
  admit(address: string, tokenKey: string, now: number): Admission;
  /** The token did not verify. */
  failed(address: string, now: number): void;
  /** The token verified: it passes at once from now on, from any address. */
  succeeded(tokenKey: string, now: number): void;
}

export function createBadTokenLimiter(limits: BadTokenLimits = DEFAULT_BAD_TOKEN_LIMITS): BadTokenLimiter {
  const addresses = new Map<string, AddressState>();
  const knownGood = new Map<string, number>();

  const recentFailures = (state: AddressState, now: number) => {
    while (state.failures.length > 0 && now - state.failures[0]! >= limits.windowMs) state.failures.shift();
    return state.failures.length;
  };
  // Maps keep insertion order: re-inserting on use makes the first key the least recently used.
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > limits.maxEntries) map.delete(map.keys().next().value!);
  };

  return {
    admit(address, tokenKey, now) {
      const goodAt = knownGood.get(tokenKey);
      if (goodAt !== undefined && now - goodAt < limits.knownGoodMs) return { check: true };
      const state = addresses.get(address);
      if (!state || recentFailures(state, now) < limits.failuresPerWindow) return { check: true };
      const waited = now - state.lastCheckAt;
      if (waited >= limits.checkIntervalMs) {
        state.lastCheckAt = now;
        return { check: true };
      }
      return { check: false, retryAfterSeconds: Math.max(1, Math.ceil((limits.checkIntervalMs - waited) / 1000)) };
    },
    failed(address, now) {
      const state = addresses.get(address) ?? { failures: [], lastCheckAt: now };
      state.failures.push(now);
      if (state.failures.length > limits.failuresPerWindow) state.failures.shift();
      state.lastCheckAt = now;
      remember(addresses, address, state);
    },
    succeeded(tokenKey, now) {
      remember(knownGood, tokenKey, now);
    },
  };
}
