import { describe, expect, it } from 'vitest';
import type { ChatRole, ModerationFrame } from '../../contracts/chat.ts';
import { ABUSE_LIMIT, recordStrike } from '../../durable-objects/chat-abuse.ts';
import { refuseModeration } from '../../durable-objects/chat-moderation.ts';
import { planPresence, PRESENCE_THROTTLE_MS } from '../../durable-objects/presence-throttle.ts';

const user = (id: string, role: ChatRole) => ({ id, name: id, role });
const ban: ModerationFrame = { type: 'ban', userId: 't' };
const del: ModerationFrame = { type: 'delete', id: 'm1' };

describe('refuseModeration', () => {
  it.each([
    ['viewer', 'viewer', ban, 'forbidden'],
    ['moderator', 'viewer', ban, null],
    ['moderator', 'moderator', ban, 'forbidden'],
    ['moderator', 'broadcaster', del, 'forbidden'],
    ['broadcaster', 'moderator', ban, null],
    ['broadcaster', 'broadcaster', ban, 'forbidden'],
  ] as const)('a %s acting on a %s (%o) → %s', (actor, target, frame, expected) => {
    expect(refuseModeration(user('a', actor), frame, { id: 't', role: target })?.code ?? null).toBe(expected);
  });

  it('staff may delete their own message but not ban or time out themselves; viewers may not even delete their own', () => {
    expect(refuseModeration(user('m', 'moderator'), del, { id: 'm', role: 'moderator' })).toBeNull();
    expect(refuseModeration(user('b', 'broadcaster'), { type: 'timeout', userId: 'b', seconds: 5 }, { id: 'b', role: 'broadcaster' })?.code).toBe('forbidden');
    expect(refuseModeration(user('v', 'viewer'), del, { id: 'v', role: 'viewer' })?.code).toBe('forbidden');
  });
});

describe('recordStrike', () => {
  it(`closes at the ${ABUSE_LIMIT.strikes}th strike within ${ABUSE_LIMIT.windowMs} ms, not before`, () => {
    let strikes: number[] = [];
    for (let i = 0; i < ABUSE_LIMIT.strikes - 1; i += 1) {
      const result = recordStrike(strikes, 1000 + i);
      expect(result.close).toBe(false);
      strikes = result.strikes;
    }
    expect(recordStrike(strikes, 2000).close).toBe(true);
  });

  it('forgets strikes older than the window, and keeps the attachment small', () => {
    const old = Array.from({ length: 9 }, (_, i) => i);
    expect(recordStrike(old, ABUSE_LIMIT.windowMs + 100)).toEqual({ strikes: [ABUSE_LIMIT.windowMs + 100], close: false });
    expect(recordStrike(Array.from({ length: 50 }, () => 5), 6).strikes.length).toBe(ABUSE_LIMIT.strikes);
  });
});

describe('planPresence', () => {
  it('sends the first count, then at most once per window, and nothing when the count is unchanged', () => {
    expect(planPresence(null, 1, 0)).toEqual({ kind: 'send' });
    expect(planPresence({ at: 0, count: 1 }, 2, 100)).toEqual({ kind: 'later', at: PRESENCE_THROTTLE_MS });
    expect(planPresence({ at: 0, count: 1 }, 2, PRESENCE_THROTTLE_MS)).toEqual({ kind: 'send' });
    expect(planPresence({ at: 0, count: 2 }, 2, 10_000)).toEqual({ kind: 'none' });
  });
});
