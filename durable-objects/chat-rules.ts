import { ChatRules, type ChatGuest, type ChatUser, type ErrorFrame } from '../contracts/chat.ts';
import { errorFrame } from './chat-protocol.ts';

/** The rules of a room nobody configured: 500 characters, 5 messages at once then 1 per second, no slow mode, no banned words. */
export const DEFAULT_CHAT_RULES: ChatRules = ChatRules.parse({});

/** A user's token bucket: `tokens` left at `refilledAt` (epoch ms). */
export interface TokenBucket {
  tokens: number;
  refilledAt: number;
}

export type BucketTake = { allowed: true; bucket: TokenBucket } | { allowed: false; bucket: TokenBucket; retryAfterMs: number };

/** Refills for the time elapsed, then takes one token if there is one. A new user starts with a full bucket. */
export function takeToken(bucket: TokenBucket | null, now: number, rules: Pick<ChatRules, 'burst' | 'ratePerSecond'>): BucketTake {
  const elapsed = bucket ? Math.max(0, now - bucket.refilledAt) : 0;
  const tokens = bucket ? Math.min(rules.burst, bucket.tokens + (elapsed / 1000) * rules.ratePerSecond) : rules.burst;
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, refilledAt: now } };
  const retryAfterMs = Math.ceil(((1 - tokens) / rules.ratePerSecond) * 1000);
  return { allowed: false, bucket: { tokens, refilledAt: now }, retryAfterMs };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first banned word or phrase found as a whole word (case- and width-insensitive), or null. */
export function findBannedWord(text: string, bannedWords: readonly string[]): string | null {
  const haystack = text.normalize('NFKC').toLowerCase();
  for (const word of bannedWords) {
    const needle = escapeRegExp(word.normalize('NFKC').toLowerCase().trim());
    if (needle.length === 0) continue;
    // Letters and digits around the match mean it is part of a longer word ("class" does not contain "ass").
    if (new RegExp(`(?<![\\p{L}\\p{N}])${needle}(?![\\p{L}\\p{N}])`, 'u').test(haystack)) return word;
  }
  return null;
}

/** Guests on one network share a bucket this many times the per-user one: a household chats, a script that changes browser ids does not flood. */
export const GUEST_NETWORK_FACTOR = 4;

/** The bucket of a guest's network: `GUEST_NETWORK_FACTOR` times the room's burst and rate. */
export function networkRules(rules: Pick<ChatRules, 'burst' | 'ratePerSecond'>): Pick<ChatRules, 'burst' | 'ratePerSecond'> {
  return { burst: rules.burst * GUEST_NETWORK_FACTOR, ratePerSecond: rules.ratePerSecond * GUEST_NETWORK_FACTOR };
}

/** Why a socket may not post before any message is judged, or null when it may (the welcome frame says the same). */
export function writeRefusal(guest: ChatGuest | undefined, rules: Pick<ChatRules, 'guests'>): 'name_required' | 'members_only' | null {
  if (!guest) return null;
  if (rules.guests === 'read') return 'members_only';
  return guest.named ? null : 'name_required';
}

/** What the room knows about the sender when a `send` frame arrives. */
export interface SendContext {
  user: ChatUser;
  text: string;
  now: number;
  rules: ChatRules;
  bucket: TokenBucket | null;
  /** When this user's last accepted message was sent (slow mode), epoch ms. */
  lastSentAt: number | null;
  /** A moderator's timeout runs until this time, epoch ms. */
  timedOutUntil: number | null;
  /** Set for a guest (joined with the watch link): their network's shared bucket is checked too. */
  guest?: { identity: ChatGuest; networkBucket: TokenBucket | null };
}

export type SendDecision = { ok: true; bucket: TokenBucket; networkBucket?: TokenBucket } | { ok: false; error: ErrorFrame };

const isStaff = (user: ChatUser) => user.role === 'moderator' || user.role === 'broadcaster';

const WRITE_REFUSALS = {
  name_required: 'pick a display name to chat: reading needs none, writing does',
  members_only: 'in this room only signed-in viewers can write; guests can read',
} as const;

/** Whether a message may be posted, checked cheapest-first; only an accepted message uses a rate-limit token. */
export function decideSend(context: SendContext): SendDecision {
  const { user, text, now, rules } = context;
  const refusal = writeRefusal(context.guest?.identity, rules);
  if (refusal !== null) return { ok: false, error: errorFrame(refusal, WRITE_REFUSALS[refusal]) };
  if (context.timedOutUntil !== null && context.timedOutUntil > now) {
    const retryAfterMs = context.timedOutUntil - now;
    return { ok: false, error: { ...errorFrame('timed_out', `a moderator timed you out: you can chat again in ${Math.ceil(retryAfterMs / 1000)} s`), retryAfterMs } };
  }
  if ([...text].length > rules.maxLength) {
    return { ok: false, error: errorFrame('too_long', `messages in this room are limited to ${rules.maxLength} characters`) };
  }
  const banned = findBannedWord(text, rules.bannedWords);
  if (banned !== null) return { ok: false, error: errorFrame('banned_word', 'this message contains a word that is not allowed in this room') };
  if (!isStaff(user) && rules.slowModeSeconds > 0 && context.lastSentAt !== null) {
    const retryAfterMs = context.lastSentAt + rules.slowModeSeconds * 1000 - now;
    if (retryAfterMs > 0) {
      return { ok: false, error: { ...errorFrame('slow_mode', `slow mode: one message every ${rules.slowModeSeconds} s`), retryAfterMs } };
    }
  }
  const take = takeToken(context.bucket, now, rules);
  if (!take.allowed) {
    return { ok: false, error: { ...errorFrame('rate_limited', 'you are sending too fast: wait a moment'), retryAfterMs: take.retryAfterMs } };
  }
  if (!context.guest) return { ok: true, bucket: take.bucket };
  // Checked after the user's own bucket, and only used when both allow, so a refused message costs neither.
  const shared = takeToken(context.guest.networkBucket, now, networkRules(rules));
  if (!shared.allowed) {
    return { ok: false, error: { ...errorFrame('rate_limited', 'this network is sending too fast: wait a moment'), retryAfterMs: shared.retryAfterMs } };
  }
  return { ok: true, bucket: take.bucket, networkBucket: shared.bucket };
}
