import { z } from 'zod';

/** Room names are path segments and Durable Object names: short, URL-safe, no dots or slashes. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const RoomName = z.string().regex(ROOM_NAME_PATTERN, 'room must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

export const CHAT_LIMITS = {
  /** A bigger frame is refused before JSON.parse, so a client cannot make the room parse megabytes. */
  maxFrameBytes: 8 * 1024,
  maxTextLength: 2000,
  maxNonceLength: 64,
} as const;

/** Who wrote a message. Until chat tokens exist (issue 6) every socket is an anonymous placeholder. */
export const ChatUser = z.object({ id: z.string().min(1), name: z.string().min(1) });
export type ChatUser = z.infer<typeof ChatUser>;

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

export const ClientFrame = z.discriminatedUnion('type', [SendFrame]);
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

/** Number of sockets connected to the room, sent to everyone on each join and leave. */
export const PresenceFrame = z.object({ type: z.literal('presence'), count: z.number().int().nonnegative() });
export type PresenceFrame = z.infer<typeof PresenceFrame>;

export const ChatErrorCode = z.enum(['invalid_json', 'invalid_frame', 'frame_too_large', 'unsupported_frame']);
export type ChatErrorCode = z.infer<typeof ChatErrorCode>;

/** Sent only to the socket whose frame was refused; the socket stays open. */
export const ErrorFrame = z.object({ type: z.literal('error'), code: ChatErrorCode, message: z.string() });
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const ServerFrame = z.discriminatedUnion('type', [MessageFrame, PresenceFrame, ErrorFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
