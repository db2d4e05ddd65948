import { describe, expect, it } from 'vitest';
import type { LiveInput } from '../../origin/src/live/live-input-rows.ts';
import { presenceOf } from '../../origin/src/live/live-origin-activities.ts';

const input: LiveInput = {
  id: 'live_a', title: 't', channelId: null, enabled: true, status: 'reconnecting', reconnectWindowSeconds: 60, recording: true, latency: 'standard',
  restreamTargets: [], publisher: null, broadcasts: 3, srtPort: null, createdAt: new Date(0), updatedAt: new Date(0),
};

describe('presence of a broadcast, as the live workflow asks it', () => {
  it('is publishing with a publisher, reconnecting while it waits, gone otherwise', () => {
    expect(presenceOf({ ...input, status: 'live', publisher: { clientId: '1', keyHash: 'h', addr: 'a', since: 's' } }, 3)).toBe('publishing');
    expect(presenceOf(input, 3)).toBe('reconnecting');
    expect(presenceOf({ ...input, status: 'ended' }, 3)).toBe('gone');
    // A later broadcast, or a deleted input, ends this one.
    expect(presenceOf(input, 2)).toBe('gone');
    expect(presenceOf(null, 3)).toBe('gone');
  });
});
