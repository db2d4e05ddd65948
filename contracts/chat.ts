import { z } from 'zod';

/**
 * The newest version of the wire protocol below. A client names the version it speaks with `?v=` on the upgrade
 * (absent: 1); any other value is refused. v2 differs from v1 in one frame: in a busy room, messages sent
 * within one short window reach a v2 socket together, as one `messages` frame.
 */
export const CHAT_PROTOCOL_VERSION = 2;
export type ChatProtocolVersion = 1 | 2;

/** `?v=` of the upgrade: 1 when absent, 'invalid' for anything but 1 or 2 (refused at the edge). */
export function parseProtocolVersion(value: string | null | undefined): ChatProtocolVersion | 'invalid' {
  if (value === null || value === undefined || value === '' || value === '1') return 1;
  return value === '2' ? 2 : 'invalid';
}

/** `?since=SEQ` of the upgrade as a number, null when absent; anything else is refused at the edge before the upgrade. */
export function parseSince(value: string | null | undefined): number | null | 'invalid' {
  if (value === null || value === undefined || value === '') return null;
  return /^\d{1,15}$/.test(value) ? Number(value) : 'invalid';
}

/** The header the edge forwards the verified user in (a JSON `ChatUser`); the room is reachable only through the edge. */
export const CHAT_USER_HEADER = 'X-Vora-Chat-User';
/** Present when the user joined with a playback token instead of a chat token (a JSON `ChatGuest`); always set or removed by the edge. */
export const CHAT_GUEST_HEADER = 'X-Vora-Chat-Guest';

export const CHAT_LIMITS = {
  /** A bigger frame is refused before JSON.parse, so a client cannot make the room parse megabytes. */
  maxFrameBytes: 4 * 1024,
  /** Hard ceiling of any room's `maxLength` rule. */
  maxTextLength: 2000,
  maxNonceLength: 64,
  /** Messages kept in the room's SQLite history. */
  historySize: 200,
  /** Live event ids remembered for deduplication. */
  eventIdsKept: 1000,
} as const;

/** The roles a chat token can give (an app, or the origin, vouches for the user). */
export const TokenChatRole = z.enum(['viewer', 'moderator', 'broadcaster']);
/** `guest`: someone holding only the watch link (a playback token); the edge names them, no token does. */
export const ChatRole = z.enum([...TokenChatRole.options, 'guest']);
export type ChatRole = z.infer<typeof ChatRole>;

export const UserId = z.string().regex(/^[A-Za-z0-9_:.@-]{1,128}$/, 'user ids are 1-128 characters of A-Z, a-z, 0-9, _ : . @ or -');

/** Who wrote a message: the verified chat token's `sub`, `name` and `role`. */
export const ChatUser = z.object({ id: UserId, name: z.string().min(1).max(64), role: ChatRole });
export type ChatUser = z.infer<typeof ChatUser>;

/**
 * What the edge tells a room about a guest: `network` is a keyed hash of the room and the viewer's IP (never
 * the IP), so guests on one network share a looser bucket and a new browser id buys no new messages;
 * `named` says they chose a display name, which writing needs.
 */
export const ChatGuest = z.object({ network: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), named: z.boolean() });
export type ChatGuest = z.infer<typeof ChatGuest>;

export const GUEST_NAME_MAX_LENGTH = 32;

/**
 * A guest's display name: NFC, runs of white space made one space, trimmed, 1-32 characters, no control or
 * format characters (they hide or reorder text). Pure; the reason names the fix.
 */
export function parseGuestName(raw: string): { ok: true; name: string } | { ok: false; reason: string } {
  const name = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name.length === 0) return { ok: false, reason: 'a display name is required to chat: pick one (1-32 characters)' };
  if ([...name].length > GUEST_NAME_MAX_LENGTH) return { ok: false, reason: `display names are at most ${GUEST_NAME_MAX_LENGTH} characters` };
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return { ok: false, reason: 'display names cannot contain control or invisible formatting characters' };
  return { ok: true, name };
}

// ── per-room rules (a channel's configuration sets them, `chatRulesFromConfig`; `PUT /internal/rooms/{room}/rules` too) ──

export const ChatRules = z.object({
  maxLength: z.number().int().min(1).max(CHAT_LIMITS.maxTextLength).default(500),
  /** Token bucket per user: `burst` messages at once, refilled at `ratePerSecond`. */
  burst: z.number().int().min(1).max(1000).default(5),
  ratePerSecond: z.number().positive().max(1000).default(1),
  /** 0 = off; otherwise viewers wait this long between two messages (moderators and the broadcaster do not). */
  slowModeSeconds: z.number().int().min(0).max(3600).default(0),
  /** Case-insensitive whole words (or phrases); a message containing one is refused. */
  bannedWords: z.array(z.string().min(1).max(64)).max(500).default([]),
  /** Guests (watch link only) always read; `write` lets a named guest post, `read` keeps posting to chat-token holders. */
  guests: z.enum(['read', 'write']).default('write'),
});
export type ChatRules = z.infer<typeof ChatRules>;

// ── client → room ──────────────────────────────────────────────────────────

/** `nonce` is chosen by the client and echoed back so it can match the broadcast to what it sent. */
export const SendFrame = z.object({
  type: z.literal('send'),
  text: z
    .string()
    .min(1)
    .max(CHAT_LIMITS.maxTextLength)
    .refine((text) => text.trim().length > 0, 'text must not be blank'),
  nonce: z.string().min(1).max(CHAT_LIMITS.maxNonceLength),
});
export type SendFrame = z.infer<typeof SendFrame>;

/** Moderators and the broadcaster only. */
export const DeleteFrame = z.object({ type: z.literal('delete'), id: z.string().min(1).max(64) });
export const TimeoutFrame = z.object({ type: z.literal('timeout'), userId: UserId, seconds: z.number().int().min(1).max(14 * 24 * 3600) });
export const BanFrame = z.object({ type: z.literal('ban'), userId: UserId });
export type ModerationFrame = z.infer<typeof DeleteFrame> | z.infer<typeof TimeoutFrame> | z.infer<typeof BanFrame>;

export const ClientFrame = z.discriminatedUnion('type', [SendFrame, DeleteFrame, TimeoutFrame, BanFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ── room → client ──────────────────────────────────────────────────────────

/** `seq` is the room's message counter (1, 2, 3…), persisted so it survives eviction. `at` is ISO 8601. */
export const MessageFrame = z.object({
  type: z.literal('message'),
  seq: z.number().int().positive(),
  id: z.string().min(1),
  user: ChatUser,
  text: z.string(),
  at: z.iso.datetime(),
  nonce: z.string(),
});
export type MessageFrame = z.infer<typeof MessageFrame>;

/**
 * Protocol v2 only: messages broadcast within one batching window of a busy room, oldest first, each exactly as
 * its own `message` frame would be. A v2 client handles both `message` and `messages`.
 */
export const MessagesFrame = z.object({ type: z.literal('messages'), messages: z.array(MessageFrame).min(1) });
export type MessagesFrame = z.infer<typeof MessagesFrame>;

/**
 * Sent first to every new socket: the stored messages after `?since=` (or the last 200), oldest first.
 * `lastSeq` is the room's counter at that moment; `truncated` says messages after `since` were already pruned.
 */
export const HistoryFrame = z.object({
  type: z.literal('history'),
  messages: z.array(MessageFrame),
  lastSeq: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type HistoryFrame = z.infer<typeof HistoryFrame>;

/** Number of sockets connected to the room: sent to a joiner, and to everyone on change (throttled). */
export const PresenceFrame = z.object({ type: z.literal('presence'), count: z.number().int().nonnegative() });
export type PresenceFrame = z.infer<typeof PresenceFrame>;

/** A live event pushed by the origin (`POST /internal/rooms/{room}/events`); `id` deduplicates retries. */
export const LiveEvent = z.object({
  id: z.string().min(1).max(128),
  type: z.string().regex(/^[a-z0-9_.:-]{1,64}$/, 'type is 1-64 characters of a-z, 0-9, _ . : or -'),
  at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type LiveEvent = z.infer<typeof LiveEvent>;

export const EventFrame = z.object({ type: z.literal('event'), event: LiveEvent });

/**
 * Sent to a joiner right after its history: who the room takes it for, and whether it may post. A guest
 * without a name reads (`name_required`); in a room whose rules keep guests to reading, `members_only`.
 */
export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  user: ChatUser,
  canWrite: z.boolean(),
  reason: z.enum(['name_required', 'members_only']).optional(),
});
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type EventFrame = z.infer<typeof EventFrame>;

/** A moderator removed a message: clients hide it; it is gone from history. */
export const DeletedFrame = z.object({ type: z.literal('deleted'), id: z.string().min(1) });
export type DeletedFrame = z.infer<typeof DeletedFrame>;

export const ChatErrorCode = z.enum([
  'invalid_json',
  'invalid_frame',
  'invalid_utf8',
  'frame_too_large',
  'unsupported_frame',
  'too_long',
  'rate_limited',
  'slow_mode',
  'banned_word',
  'timed_out',
  'forbidden',
  'not_found',
  /** A guest without a display name tried to post. */
  'name_required',
  /** A guest tried to post in a room whose rules keep guests to reading. */
  'members_only',
]);
export type ChatErrorCode = z.infer<typeof ChatErrorCode>;

/** Sent only to the socket whose frame was refused; the socket stays open (until repeated abuse closes it with 4008). */
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: ChatErrorCode,
  message: z.string(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const ServerFrame = z.discriminatedUnion('type', [MessageFrame, MessagesFrame, HistoryFrame, PresenceFrame, EventFrame, DeletedFrame, ErrorFrame, WelcomeFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Close codes the room uses (4000-4999 are the application's). */
export const CHAT_CLOSE_CODES = { banned: 4003, policyViolation: 4008 } as const;
