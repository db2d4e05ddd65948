import { describe, expect, it } from 'vitest';
import { KvReadCache, kvCacheMs } from '../../edge/src/kv-read-cache.ts';

describe('KvReadCache', () => {
  const counting = () => {
    let reads = 0;
    return { cache: new KvReadCache(async () => ++reads), reads: () => reads };
  };

  it('reuses a read younger than maxAgeMs, reads again once it is older', async () => {
    const { cache, reads } = counting();
    expect(await cache.get(1000, 0)).toBe(1);
    expect(await cache.get(1000, 999)).toBe(1);
    expect(await cache.get(1000, 1000)).toBe(2);
    expect(reads()).toBe(2);
  });

  it('reads every time when maxAgeMs is 0, and after an invalidation', async () => {
    const { cache, reads } = counting();
    await cache.get(0, 0);
    await cache.get(0, 0);
    expect(reads()).toBe(2);
    expect(await cache.get(1000, 10)).toBe(2); // the second read, 10 ms old
    cache.invalidate();
    expect(await cache.get(1000, 11)).toBe(3);
  });

  it('never shares a read in flight: concurrent callers (other requests, in workerd) each read, later ones reuse the value', async () => {
    const { cache, reads } = counting();
    const values = await Promise.all([cache.get(1000, 0), cache.get(1000, 0), cache.get(1000, 0)]);
    expect(values).toEqual([1, 2, 3]);
    expect(reads()).toBe(3);
    expect(await cache.get(1000, 5)).toBe(3);
    expect(reads()).toBe(3);
  });

  it('keeps the newer of two reads that finish out of order', async () => {
    let release!: (value: string) => void;
    const answers = [new Promise<string>((resolve) => (release = resolve)), Promise.resolve('new')];
    const cache = new KvReadCache(() => answers.shift()!);
    const slow = cache.get(1000, 0);
    expect(await cache.get(1000, 10)).toBe('new');
    release('old');
    expect(await slow).toBe('old');
    expect(await cache.get(1000, 11)).toBe('new');
  });

  it('keeps no failed read: the next get asks KV again', async () => {
    let calls = 0;
    const cache = new KvReadCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('KV unavailable');
      return 'keys';
    });
    await expect(cache.get(1000, 0)).rejects.toThrow('KV unavailable');
    expect(await cache.get(1000, 1)).toBe('keys');
  });
});

describe('kvCacheMs', () => {
  it('defaults to 1 s, takes 0 to turn the memo off, and bounds the rest', () => {
    expect(kvCacheMs(undefined)).toBe(1000);
    expect(kvCacheMs('')).toBe(1000);
    expect(kvCacheMs('0')).toBe(0);
    expect(kvCacheMs('250')).toBe(250);
    expect(kvCacheMs('3600000')).toBe(60_000);
    expect(kvCacheMs('soon')).toBe(1000);
    expect(kvCacheMs('-5')).toBe(1000);
  });
});
