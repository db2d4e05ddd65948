import { describe, expect, it } from 'vitest';
import { ChatRules, type ChatUser } from '../../contracts/chat.ts';
import { decideSend, DEFAULT_CHAT_RULES, findBannedWord, takeToken, type SendContext } from '../../durable-objects/chat-rules.ts';

const viewer: ChatUser = { id: 'v', name: 'V', role: 'viewer' };
const now = 1_000_000;
const context = (overrides: Partial<SendContext> = {}): SendContext => ({
  user: viewer, text: 'hello', now, rules: DEFAULT_CHAT_RULES, bucket: null, lastSentAt: null, timedOutUntil: null, ...overrides,
});
const codeOf = (decision: ReturnType<typeof decideSend>) => (decision.ok ? 'ok' : decision.error.code);

describe('ChatRules defaults', () => {
  it('are 500 characters, burst 5 at 1/s, no slow mode, no banned words, guests may write', () => {
    expect(DEFAULT_CHAT_RULES).toEqual({ maxLength: 500, burst: 5, ratePerSecond: 1, slowModeSeconds: 0, bannedWords: [], guests: 'write' });
    expect(ChatRules.safeParse({ maxLength: 2001 }).success).toBe(false);
  });
});

describe('takeToken', () => {
  const rules = { burst: 3, ratePerSecond: 2 };
  it('starts full, empties after a burst, refills with time and never above the burst', () => {
    let bucket = null;
    for (let i = 0; i < 3; i += 1) {
      const take = takeToken(bucket, now, rules);
      expect(take.allowed).toBe(true);
      bucket = take.bucket;
    }
    const refused = takeToken(bucket, now, rules);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 500 });
    expect(takeToken(refused.bucket, now + 500, rules).allowed).toBe(true);
    expect(takeToken({ tokens: 0, refilledAt: now }, now + 3_600_000, rules).bucket.tokens).toBe(2);
  });

  it('ignores a clock that goes backwards', () => {
    expect(takeToken({ tokens: 0.5, refilledAt: now }, now - 10_000, rules).allowed).toBe(false);
  });
});

describe('findBannedWord', () => {
  it('matches whole words and phrases, ignoring case and width', () => {
    expect(findBannedWord('What a SPOILER!', ['spoiler'])).toBe('spoiler');
    expect(findBannedWord('ｓｐｏｉｌｅｒ', ['spoiler'])).toBe('spoiler');
    expect(findBannedWord('the end is near', ['end is'])).toBe('end is');
    expect(findBannedWord('spoilers are fine', ['spoiler'])).toBeNull();
    expect(findBannedWord('classic', ['ass'])).toBeNull();
    expect(findBannedWord('a.b c', ['a.b'])).toBe('a.b');
    expect(findBannedWord('axb', ['a.b'])).toBeNull();
  });
});

describe('decideSend', () => {
  it('accepts a plain message and spends one token', () => {
    const decision = decideSend(context());
    expect(decision).toEqual({ ok: true, bucket: { tokens: 4, refilledAt: now } });
  });

  it('counts characters, not UTF-16 units, against maxLength', () => {
    const rules = { ...DEFAULT_CHAT_RULES, maxLength: 3 };
    expect(codeOf(decideSend(context({ rules, text: '😀😀😀' })))).toBe('ok');
    expect(codeOf(decideSend(context({ rules, text: 'abcd' })))).toBe('too_long');
  });

  it('refuses in order: timeout, length, banned word, slow mode, rate', () => {
    const rules = { ...DEFAULT_CHAT_RULES, maxLength: 10, bannedWords: ['nope'], slowModeSeconds: 10 };
    const empty = { tokens: 0, refilledAt: now };
    expect(codeOf(decideSend(context({ rules, timedOutUntil: now + 1, text: 'x'.repeat(20) })))).toBe('timed_out');
    expect(codeOf(decideSend(context({ rules, text: 'nope nope nope' })))).toBe('too_long');
    expect(codeOf(decideSend(context({ rules, text: 'nope', lastSentAt: now })))).toBe('banned_word');
    expect(codeOf(decideSend(context({ rules, lastSentAt: now - 1000, bucket: empty })))).toBe('slow_mode');
    expect(codeOf(decideSend(context({ rules, lastSentAt: now - 10_000, bucket: empty })))).toBe('rate_limited');
  });

  it('says how long to wait for slow mode and timeouts; an expired timeout no longer counts', () => {
    const rules = { ...DEFAULT_CHAT_RULES, slowModeSeconds: 10 };
    const slow = decideSend(context({ rules, lastSentAt: now - 4000 }));
    expect(slow.ok ? null : slow.error.retryAfterMs).toBe(6000);
    const timedOut = decideSend(context({ timedOutUntil: now + 1500 }));
    expect(timedOut.ok ? null : timedOut.error.retryAfterMs).toBe(1500);
    expect(codeOf(decideSend(context({ timedOutUntil: now })))).toBe('ok');
  });

  it('exempts moderators and the broadcaster from slow mode only', () => {
    const rules = { ...DEFAULT_CHAT_RULES, slowModeSeconds: 10, bannedWords: ['nope'] };
    for (const role of ['moderator', 'broadcaster'] as const) {
      const user = { ...viewer, role };
      expect(codeOf(decideSend(context({ user, rules, lastSentAt: now })))).toBe('ok');
      expect(codeOf(decideSend(context({ user, rules, text: 'nope' })))).toBe('banned_word');
      expect(codeOf(decideSend(context({ user, rules, bucket: { tokens: 0, refilledAt: now } })))).toBe('rate_limited');
    }
  });
});
