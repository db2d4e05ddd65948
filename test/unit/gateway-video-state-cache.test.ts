import { describe, expect, it } from 'vitest';
import { cachedVideoStates } from '../../origin/src/gateway/video-states.ts';
import type { VideoState } from '../../origin/src/videos/states.ts';

describe('cachedVideoStates', () => {
  it('shares one lookup among concurrent and repeated requests within the TTL, then refreshes behind the last answer', async () => {
    let clock = 0;
    let loads = 0;
    let state: VideoState = 'PLAYABLE';
    const lookup = cachedVideoStates(async () => ((loads += 1), state), { ttlMs: 1_000, staleMs: 5_000, now: () => clock });
    expect(await Promise.all([lookup('v'), lookup('v'), lookup('v')])).toEqual(['PLAYABLE', 'PLAYABLE', 'PLAYABLE']);
    state = 'DELETED';
    clock = 999;
    expect(await lookup('v')).toBe('PLAYABLE');
    expect(loads).toBe(1);
    // Past the TTL the request is not held for the DB: it gets the last answer, and one refresh starts.
    clock = 1_000;
    expect(await Promise.all([lookup('v'), lookup('v')])).toEqual(['PLAYABLE', 'PLAYABLE']);
    expect(loads).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await lookup('v')).toBe('DELETED');
    expect(loads).toBe(2);
  });

  it('waits for the DB when the last answer is older than TTL + staleMs', async () => {
    let clock = 0;
    let state: VideoState = 'READY';
    const lookup = cachedVideoStates(async () => state, { ttlMs: 1_000, staleMs: 5_000, now: () => clock });
    expect(await lookup('v')).toBe('READY');
    state = 'DELETED';
    clock = 6_000;
    expect(await lookup('v')).toBe('DELETED');
  });

  it('keeps the last answer through a failed refresh, until it is too old', async () => {
    let clock = 0;
    let fail = false;
    const lookup = cachedVideoStates(async () => {
      if (fail) throw new Error('db down');
      return 'READY';
    }, { ttlMs: 1_000, staleMs: 5_000, now: () => clock });
    expect(await lookup('v')).toBe('READY');
    fail = true;
    clock = 1_500;
    expect(await lookup('v')).toBe('READY');
    await new Promise((resolve) => setImmediate(resolve));
    clock = 6_000;
    await expect(lookup('v')).rejects.toThrow('db down');
  });

  it('does not keep a failed lookup', async () => {
    let fail = true;
    const lookup = cachedVideoStates(async () => {
      if (fail) throw new Error('db down');
      return 'READY';
    });
    await expect(lookup('v')).rejects.toThrow('db down');
    fail = false;
    expect(await lookup('v')).toBe('READY');
  });

  it('starts over past maxEntries', async () => {
    let loads = 0;
    const lookup = cachedVideoStates(async () => ((loads += 1), null), { maxEntries: 2 });
    for (const id of ['a', 'b', 'c', 'a']) await lookup(id);
    expect(loads).toBe(4);
  });
});
