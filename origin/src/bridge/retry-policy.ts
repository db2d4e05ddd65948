/** What to do with one answer of the edge's `POST /internal/rooms/{room}/events`. */
export type EdgeVerdict = 'accepted' | 'retry' | 'give_up';

/**
 * 2xx: the room has it. 429, 408 and 5xx (and no answer at all, status 0): the edge or the room is
 * busy or down, so try again. Any other 4xx (bad auth, invalid room or body) will not get better.
 */
export function verdictForStatus(status: number): EdgeVerdict {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'give_up';
}

export interface BackoffPolicy {
  /** The wait after the first failure (default 200 ms). */
  baseMs: number;
  /** The waits double up to this ceiling (default 30 s), so a long edge outage costs one request per ceiling. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 30_000 };

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so bridges restarted together do not hammer the edge in step.
 * A `Retry-After` from the edge (seconds) is honoured up to the ceiling.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random(), retryAfterSeconds?: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (exponential / 2) * random;
  const asked = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) ? Math.min(policy.maxMs, retryAfterSeconds * 1000) : 0;
  return Math.round(Math.max(jittered, asked));
}

/** `Retry-After` in seconds when it is a plain number (the HTTP-date form is ignored). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
