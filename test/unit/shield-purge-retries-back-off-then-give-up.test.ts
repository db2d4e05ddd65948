import { describe, expect, it } from 'vitest';
import { afterFailedShieldPurge, SHIELD_PURGE_GIVE_UP_AFTER_MS, shieldPurgeRetryDelayMs } from '../../origin/src/shield/purge-retry-rules.ts';

describe('shieldPurgeRetryDelayMs', () => {
  it('waits 1 s after the first failure, doubling, never more than 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50, 10_000].map(shieldPurgeRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('treats a nonsensical count as the first failure', () => {
    expect(shieldPurgeRetryDelayMs(0)).toBe(1_000);
    expect(shieldPurgeRetryDelayMs(-3)).toBe(1_000);
  });
});

describe('afterFailedShieldPurge', () => {
  const requestedAt = new Date('2026-01-01T00:00:00.000Z');
  const at = (ms: number) => new Date(requestedAt.getTime() + ms);

  it('retries after the backoff while the purge is younger than the give-up age', () => {
    expect(afterFailedShieldPurge(1, requestedAt, at(10))).toEqual({ action: 'retry', at: at(1_010), delayMs: 1_000 });
    expect(afterFailedShieldPurge(9, requestedAt, at(600_000))).toEqual({ action: 'retry', at: at(660_000), delayMs: 60_000 });
    expect(afterFailedShieldPurge(1_400, requestedAt, at(SHIELD_PURGE_GIVE_UP_AFTER_MS - 1)).action).toBe('retry');
  });

  it('gives up once the purge is as old as the give-up age (24 h by default, or as given)', () => {
    expect(SHIELD_PURGE_GIVE_UP_AFTER_MS).toBe(24 * 3_600_000);
    expect(afterFailedShieldPurge(1_441, requestedAt, at(SHIELD_PURGE_GIVE_UP_AFTER_MS))).toEqual({ action: 'give-up' });
    expect(afterFailedShieldPurge(3, requestedAt, at(5_000), 5_000)).toEqual({ action: 'give-up' });
    expect(afterFailedShieldPurge(3, requestedAt, at(4_999), 5_000).action).toBe('retry');
  });
});
