import { describe, expect, it } from 'vitest';
import { cachedVideoStates } from '../../origin/src/gateway/video-states.ts';
import type { VideoState } from '../../origin/src/videos/states.ts';

describe('cachedVideoStates', () => {
  it('shares one lookup among concurrent and repeated requests within the TTL, then asks again', async () => {
    let clock = 0;
    let loads = 0;
    let state: VideoState = 'PLAYABLE';
    const lookup = cachedVideoStates(async () => ((loads += 1), state), { ttlMs: 1_000, now: () => clock });
    expect(await Promise.all([lookup('v'), lookup('v'), lookup('v')])).toEqual(['PLAYABLE', 'PLAYABLE', 'PLAYABLE']);
    state = 'READY';
    clock = 999;
    expect(await lookup('v')).toBe('PLAYABLE');
    clock = 1_000;
    expect(await lookup('v')).toBe('READY');
    expect(loads).toBe(2);
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
