/** Refused frames a socket may send within the window before the room closes it (4008). */
export const ABUSE_LIMIT = { strikes: 10, windowMs: 10_000 } as const;

/** Adds a strike at `now`, forgets those older than the window; `close` once the limit is reached. Pure. */
export function recordStrike(strikes: readonly number[], now: number, limit = ABUSE_LIMIT): { strikes: number[]; close: boolean } {
  const recent = [...strikes.filter((at) => now - at < limit.windowMs), now].slice(-limit.strikes);
  return { strikes: recent, close: recent.length >= limit.strikes };
}
