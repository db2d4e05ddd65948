/** When a failed shield purge is tried again, and when the origin stops trying (pure: unit-tested without a shield). */

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 60_000;
/** A shield unreachable this long after the DELETE is a shield to look at by hand, not one to keep knocking on. */
export const SHIELD_PURGE_GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** Wait after the `failedAttempts`-th failure (1 = the first): 1 s doubling, at most 60 s. */
export function shieldPurgeRetryDelayMs(failedAttempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failedAttempts - 1, 16)));
}

export type AfterFailedPurge = { action: 'retry'; at: Date; delayMs: number } | { action: 'give-up' };

/** A purge requested at `requestedAt` just failed for the `failedAttempts`-th time at `now`: retry, or give up past `giveUpAfterMs`. */
export function afterFailedShieldPurge(failedAttempts: number, requestedAt: Date, now: Date, giveUpAfterMs = SHIELD_PURGE_GIVE_UP_AFTER_MS): AfterFailedPurge {
  if (now.getTime() - requestedAt.getTime() >= giveUpAfterMs) return { action: 'give-up' };
  const delayMs = shieldPurgeRetryDelayMs(failedAttempts);
  return { action: 'retry', at: new Date(now.getTime() + delayMs), delayMs };
}
