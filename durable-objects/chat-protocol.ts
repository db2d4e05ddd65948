import { z } from 'zod';
import {
  CHAT_LIMITS,
  ChatUser,
  ClientFrame,
  type ChatErrorCode,
  type ErrorFrame,
  type MessageFrame,
  type PresenceFrame,
  type ServerFrame,
} from '../contracts/chat.ts';
import { describeIssues } from '../contracts/issues.ts';

/** Parse result as a value: a bad frame is a normal outcome of untrusted input, not an exception. */
export type ParsedClientFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

export function errorFrame(code: ChatErrorCode, message: string): ErrorFrame {
  return { type: 'error', code, message };
}

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
  return { ok: true, frame: parsed.data };
}

export function messageFrame(input: { seq: number; id: string; user: ChatUser; text: string; nonce: string; at: Date }): MessageFrame {
  return { type: 'message', seq: input.seq, id: input.id, user: input.user, text: input.text, at: input.at.toISOString(), nonce: input.nonce };
}

export function presenceFrame(count: number): PresenceFrame {
  return { type: 'presence', count };
}

export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** What each socket carries through hibernation (serializeAttachment): kept small, it is stored per socket. */
export const SocketAttachment = z.object({ user: ChatUser, joinedAt: z.number().int() });
export type SocketAttachment = z.infer<typeof SocketAttachment>;

/** TODO(issue 6): replace with the user from the verified chat token; every socket is anonymous until then. */
export function placeholderUser(randomId: string): ChatUser {
  return { id: `anon-${randomId.replaceAll('-', '').slice(0, 12)}`, name: 'anonymous' };
}

/** An attachment that does not parse (older layout, corruption) degrades to an anonymous user instead of dropping the message. */
export function readAttachment(value: unknown, fallbackId: string): SocketAttachment {
  const parsed = SocketAttachment.safeParse(value);
  return parsed.success ? parsed.data : { user: placeholderUser(fallbackId), joinedAt: 0 };
}
