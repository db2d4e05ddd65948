import { describe, expect, it } from 'vitest';
import { chatRulesFromConfig, ChannelConfig, DEFAULT_CHANNEL_CONFIG } from '../../contracts/channel-config.ts';
import { ChatTokenClaims } from '../../contracts/chat-token.ts';
import { parseGuestName, type ChatUser } from '../../contracts/chat.ts';
import { refuseModeration } from '../../durable-objects/chat-moderation.ts';
import { decideSend, DEFAULT_CHAT_RULES, GUEST_NETWORK_FACTOR, writeRefusal, type SendContext } from '../../durable-objects/chat-rules.ts';

const guestUser: ChatUser = { id: 'guest-abc', name: 'Ada', role: 'guest' };
const now = 5_000_000;
const named = { network: 'net-aaaaaaaa', named: true };
const guestContext = (overrides: Partial<SendContext> = {}): SendContext => ({
  user: guestUser, text: 'hi', now, rules: DEFAULT_CHAT_RULES, bucket: null, lastSentAt: null, timedOutUntil: null,
  guest: { identity: named, networkBucket: null }, ...overrides,
});
const codeOf = (decision: ReturnType<typeof decideSend>) => (decision.ok ? 'ok' : decision.error.code);

describe('parseGuestName', () => {
  it('tidies white space and keeps letters of any script', () => {
    expect(parseGuestName('  Ada \t Lovelace  ')).toEqual({ ok: true, name: 'Ada Lovelace' });
    expect(parseGuestName('Zoë 李')).toEqual({ ok: true, name: 'Zoë 李' });
  });

  it('refuses an empty name, more than 32 characters, and hidden formatting', () => {
    expect(parseGuestName('   ')).toMatchObject({ ok: false, reason: expect.stringMatching(/required/) });
    expect(parseGuestName('x'.repeat(33)).ok).toBe(false);
    expect(parseGuestName('😀'.repeat(32)).ok).toBe(true);
    expect(parseGuestName('Ada\u200Bmin').ok).toBe(false);
    expect(parseGuestName('Ada\u202Egnp.exe').ok).toBe(false);
  });
});

describe('guests in decideSend', () => {
  it('need a name, and a room that lets guests write', () => {
    expect(codeOf(decideSend(guestContext({ guest: { identity: { ...named, named: false }, networkBucket: null } })))).toBe('name_required');
    expect(codeOf(decideSend(guestContext({ rules: { ...DEFAULT_CHAT_RULES, guests: 'read' } })))).toBe('members_only');
    expect(codeOf(decideSend(guestContext()))).toBe('ok');
    expect(writeRefusal(undefined, { guests: 'read' })).toBeNull();
  });

  it('take from their own bucket and from their network’s, which holds GUEST_NETWORK_FACTOR times more', () => {
    const decision = decideSend(guestContext());
    expect(decision).toMatchObject({ ok: true, bucket: { tokens: DEFAULT_CHAT_RULES.burst - 1 }, networkBucket: { tokens: DEFAULT_CHAT_RULES.burst * GUEST_NETWORK_FACTOR - 1 } });
    const drained = decideSend(guestContext({ guest: { identity: named, networkBucket: { tokens: 0, refilledAt: now } } }));
    expect(drained).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/network/) } });
  });

  it('follow slow mode like viewers: only moderators and the broadcaster are exempt', () => {
    const rules = { ...DEFAULT_CHAT_RULES, slowModeSeconds: 10 };
    expect(codeOf(decideSend(guestContext({ rules, lastSentAt: now - 1_000 })))).toBe('slow_mode');
  });
});

describe('guests and moderation', () => {
  it('cannot moderate, and can be moderated by a moderator', () => {
    expect(refuseModeration(guestUser, { type: 'ban', userId: 'v' }, { id: 'v', role: 'viewer' })?.code).toBe('forbidden');
    expect(refuseModeration({ id: 'm', name: 'M', role: 'moderator' }, { type: 'ban', userId: guestUser.id }, { id: guestUser.id, role: 'guest' })).toBeNull();
  });

  it('is a role no chat token can claim', () => {
    expect(ChatTokenClaims.safeParse({ sub: 'u', name: 'U', role: 'guest', room: 'r', exp: 1 }).success).toBe(false);
  });
});

describe('the channel configuration’s guests rule', () => {
  it('is absent from the root document (root hashes unchanged) and means write until a patch adds it', () => {
    expect(DEFAULT_CHANNEL_CONFIG.chat).not.toHaveProperty('guests');
    expect(chatRulesFromConfig(DEFAULT_CHANNEL_CONFIG.chat).guests).toBe('write');
    const readOnly = ChannelConfig.parse({ ...DEFAULT_CHANNEL_CONFIG, chat: { ...DEFAULT_CHANNEL_CONFIG.chat, guests: 'read' } });
    expect(chatRulesFromConfig(readOnly.chat).guests).toBe('read');
    expect(ChannelConfig.safeParse({ ...DEFAULT_CHANNEL_CONFIG, chat: { ...DEFAULT_CHANNEL_CONFIG.chat, guests: 'maybe' } }).success).toBe(false);
  });
});
