import { z } from 'zod';
import {
  CHAT_LIMITS,
  ChatGuest,
  ChatUser,
  ClientFrame,
  type ChatErrorCode,
  type ChatProtocolVersion,
  type DeletedFrame,
  type ErrorFrame,
  type EventFrame,
  type HistoryFrame,
  type LiveEvent,
  type MessageFrame,
  type PresenceFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../contracts/chat.ts';
import { describeIssues } from '../contracts/issues.ts';

/** Parse result as a value: a bad frame is a normal outcome of untrusted input, not an exception. */
export type ParsedClientFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

export function errorFrame(code: ChatErrorCode, message: string): ErrorFrame {
  return { type: 'error', code, message };
}

// U+FFFD is what the runtime's decoder leaves for invalid UTF-8 bytes; a lone surrogate (from a `\ud800` escape) is not text either.
const NOT_UTF8 = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function parseClientFrame(raw: string | ArrayBuffer): ParsedClientFrame {
  if (typeof raw !== 'string') {
    return { ok: false, error: errorFrame('unsupported_frame', 'binary frames are not supported: send JSON text frames') };
  }
  // UTF-8 is never shorter than the UTF-16 length, so the cheap check settles most oversized frames.
  if (raw.length > CHAT_LIMITS.maxFrameBytes || new TextEncoder().encode(raw).byteLength > CHAT_LIMITS.maxFrameBytes) {
    return { ok: false, error: errorFrame('frame_too_large', `frames are limited to ${CHAT_LIMITS.maxFrameBytes} bytes`) };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: errorFrame('invalid_json', 'frame is not JSON: send {"type":"send","text":"…","nonce":"…"}') };
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) return { ok: false, error: errorFrame('invalid_frame', describeIssues(parsed.error)) };
  if (parsed.data.type === 'send' && NOT_UTF8.test(parsed.data.text)) {
    return { ok: false, error: errorFrame('invalid_utf8', 'text is not valid UTF-8 (or contains U+FFFD or a lone surrogate)') };
  }
  return { ok: true, frame: parsed.data };
}

export function messageFrame(input: { seq: number; id: string; user: ChatUser; text: string; nonce: string; at: Date }): MessageFrame {
  return { type: 'message', seq: input.seq, id: input.id, user: input.user, text: input.text, at: input.at.toISOString(), nonce: input.nonce };
}

export function historyFrame(messages: MessageFrame[], lastSeq: number, truncated: boolean): HistoryFrame {
  return { type: 'history', messages, lastSeq, truncated };
}

export function presenceFrame(count: number): PresenceFrame {
  return { type: 'presence', count };
}

export function eventFrame(event: LiveEvent): EventFrame {
  return { type: 'event', event };
}

export function deletedFrame(id: string): DeletedFrame {
  return { type: 'deleted', id };
}

export function welcomeFrame(user: ChatUser, refusal: WelcomeFrame['reason'] | null): WelcomeFrame {
  return { type: 'welcome', user, canWrite: refusal === null, ...(refusal === null ? {} : { reason: refusal }) };
}

export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** What each socket carries through hibernation (serializeAttachment, ≤ 2 KiB): the verified user, whether a guest, and its recent strikes. */
export const SocketAttachment = z.object({ user: ChatUser, guest: ChatGuest.optional(), joinedAt: z.number().int(), strikes: z.array(z.number()).default([]) });
export type SocketAttachment = z.infer<typeof SocketAttachment>;

/** Null when the attachment does not parse (older layout, corruption): the room then asks the client to reconnect. */
export function readAttachment(value: unknown): SocketAttachment | null {
  const parsed = SocketAttachment.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The user the edge verified, or null when the header is missing or not a ChatUser. */
export function readForwardedUser(header: string | null): ChatUser | null {
  try {
    const parsed = ChatUser.safeParse(JSON.parse(header ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The guest facts the edge forwarded; undefined for a chat-token user (no header) — and for a header that does not parse, which the room refuses. */
export function readForwardedGuest(header: string | null): { ok: true; guest: ChatGuest | undefined } | { ok: false } {
  if (header === null) return { ok: true, guest: undefined };
  try {
    const parsed = ChatGuest.safeParse(JSON.parse(header));
    return parsed.success ? { ok: true, guest: parsed.data } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** The key of a guest network's shared bucket in the room's `users` table: `/` is outside the user-id alphabet, so it never names a user. */
export const networkKey = (network: string) => `net/${network}`;

/** The hibernation tag of a user's sockets (`ctx.getWebSockets(tag)`); tags are ≤ 256 chars, user ids ≤ 128. */
export const userTag = (userId: string) => `user:${userId}`;

/** The hibernation tag of a protocol-v2 socket (v1 sockets carry none: so did every socket before v2). */
export const PROTOCOL_2_TAG = 'protocol:2';

/** The hibernation tags of a new socket: its user's, and the protocol's when it is not v1. */
export const socketTags = (userId: string, protocol: ChatProtocolVersion) => (protocol === 2 ? [userTag(userId), PROTOCOL_2_TAG] : [userTag(userId)]);

/** A socket's user and protocol from its tags (socketTags), as the room rebuilds them after waking; null for a socket without a user tag. */
export function memberFromTags(tags: string[]): { userId: string; protocol: ChatProtocolVersion } | null {
  const user = tags.find((tag) => tag.startsWith('user:'));
  return user ? { userId: user.slice('user:'.length), protocol: tags.includes(PROTOCOL_2_TAG) ? 2 : 1 } : null;
}

/**
 * What a v2 socket receives for messages that were already encoded one by one (encodeFrame of each MessageFrame):
 * a lone message as it is, several as one `messages` frame. Built from the encoded texts, so no message is
 * serialised twice.
 */
export function messagesFrameText(encodedMessages: string[]): string {
  return encodedMessages.length === 1 ? encodedMessages[0]! : `{"type":"messages","messages":[${encodedMessages.join(',')}]}`;
}
