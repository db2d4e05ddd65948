import { describe, expect, it } from 'vitest';
import { idlePercentBetween } from '../../bench/lib/process.ts';

describe('idlePercentBetween (the box CPU nobody used between two /proc/stat readings)', () => {
  it('is the idle jiffies over all jiffies that passed', () => {
    expect(idlePercentBetween({ idle: 100, total: 1000 }, { idle: 150, total: 1200 })).toBe(25);
  });

  it('is 0 when the cores were full and 100 when nothing ran', () => {
    expect(idlePercentBetween({ idle: 100, total: 1000 }, { idle: 100, total: 1200 })).toBe(0);
    expect(idlePercentBetween({ idle: 100, total: 1000 }, { idle: 300, total: 1200 })).toBe(100);
  });

  it('does not divide by zero when no time passed', () => {
    expect(idlePercentBetween({ idle: 5, total: 10 }, { idle: 5, total: 10 })).toBe(0);
  });
});
