import { z } from 'zod';
import { CHAT_LIMITS, type ChatRules } from './chat.ts';
import { RoomName } from './ids.ts';
import { RENDITION_NAMES } from './transcode.ts';

// ── the configuration of one channel ───────────────────────────────────────

/** A browser origin as sent in the `Origin` header: scheme://host[:port], nothing after it. */
const PlayerOrigin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin like https://player.example.com');

// Strict objects: a patch that adds an unknown key is an invalid configuration (422), not silently kept.
export const PlaybackConfig = z.strictObject({
  signedUrlsRequired: z.boolean(),
  /** Empty = any origin may embed the player. */
  allowedPlayerOrigins: z.array(PlayerOrigin).max(100),
  maxResolution: z.union([z.literal(360), z.literal(720), z.literal(1080)]),
});

export const ChatConfig = z.strictObject({
  /** 0 = off. */
  slowModeSeconds: z.number().int().min(0).max(3600),
  maxLength: z.number().int().min(1).max(CHAT_LIMITS.maxTextLength),
  bannedWords: z.array(z.string().min(1).max(64)).max(500),
  /** Per user: at most `messages` in any `perSeconds` window (a token bucket of that burst and rate). */
  rateLimit: z.strictObject({
    messages: z.number().int().min(1).max(1000),
    perSeconds: z.number().int().min(1).max(3600),
  }),
  /**
   * Whether viewers holding only the watch link may post (`write`, what an absent value means) or only read.
   * Optional so every channel's root document, and so its root hash, stays what it was: add it with a patch.
   */
  guests: z.enum(['read', 'write']).optional(),
});

export const LadderConfig = z.strictObject({
  /** Absent = the transcoder's full ladder. */
  renditions: z
    .array(z.enum(RENDITION_NAMES))
    .min(1)
    .refine((names) => new Set(names).size === names.length, 'renditions must not repeat')
    .optional(),
});

/** A BCP-47 tag as speech engines take it: a language, optionally a region or script (`en`, `en-US`, `pt-BR`, `zh-Hant`). */
export const SpokenLanguage = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 language tag such as en, en-US or pt-BR');

/** Automatic captions of the channel's uploads (issue 25): the speech engine transcribes `language`. */
export const AutoCaptionsConfig = z.strictObject({ enabled: z.boolean(), language: SpokenLanguage });

export const ChannelConfig = z.strictObject({
  playback: PlaybackConfig,
  chat: ChatConfig,
  ladder: LadderConfig,
  /** Optional so every channel's root document, and so its root hash, stays what it was: add it with a patch. */
  autoCaptions: AutoCaptionsConfig.optional(),
});
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/** Every channel's configuration before its first update (the `config` of its root document). */
export const DEFAULT_CHANNEL_CONFIG: ChannelConfig = Object.freeze({
  playback: { signedUrlsRequired: true, allowedPlayerOrigins: [], maxResolution: 1080 },
  chat: { slowModeSeconds: 0, maxLength: 500, bannedWords: [], rateLimit: { messages: 5, perSeconds: 5 } },
  ladder: {},
}) as ChannelConfig;

/** The chat rules a `ChatRoom` enforces, from its channel's configuration. */
export function chatRulesFromConfig(chat: ChannelConfig['chat']): ChatRules {
  return {
    maxLength: chat.maxLength,
    burst: chat.rateLimit.messages,
    ratePerSecond: chat.rateLimit.messages / chat.rateLimit.perSeconds,
    slowModeSeconds: chat.slowModeSeconds,
    bannedWords: chat.bannedWords,
    guests: chat.guests ?? 'write',
  };
}

// ── JSON Patch (RFC 6902) ──────────────────────────────────────────────────

const Pointer = z.string().max(512).regex(/^(\/|$)/, 'must be a JSON pointer: empty or starting with /');
const withValue = <Op extends string>(op: Op) => z.strictObject({ op: z.literal(op), path: Pointer, value: z.json() });
const withFrom = <Op extends string>(op: Op) => z.strictObject({ op: z.literal(op), path: Pointer, from: Pointer });

export const PatchOperation = z.discriminatedUnion('op', [
  withValue('add'),
  z.strictObject({ op: z.literal('remove'), path: Pointer }),
  withValue('replace'),
  withFrom('move'),
  withFrom('copy'),
  withValue('test'),
]);
export type PatchOperation = z.infer<typeof PatchOperation>;
export const JsonPatch = z.array(PatchOperation).max(1000);
export type JsonPatch = z.infer<typeof JsonPatch>;

// ── the hash chain ─────────────────────────────────────────────────────────

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 as 64 lowercase hex digits');

/** One update, as `PATCH /v1/channels/:id/config` takes it; its hash is SHA-256 of its canonical JSON. */
export const ConfigUpdate = z.strictObject({ base: Sha256Hex, patch: JsonPatch.min(1, 'patch must have at least one operation') });
export type ConfigUpdate = z.infer<typeof ConfigUpdate>;

/**
 * What travels on `config-updates` (key = rootHash): a run of consecutive updates from `base`.
 * One update is a run of one; the answer to a `config-requests` is the run from the root
 * (`base` = `rootHash`, `steps.length` = `height`). `patch` is the runs' operations in order, so
 * applied at once it is the composed patch; `steps` cuts it back into updates to recompute each hash.
 */
export const ConfigUpdateMessage = z.strictObject({
  rootHash: Sha256Hex,
  base: Sha256Hex,
  patch: z.array(PatchOperation).max(1_000_000),
  /** Operations per update, in order; they sum to `patch.length`. */
  steps: z.array(z.number().int().min(1)),
  /** The hash at the end of the run (receivers recompute it and refuse a mismatch). */
  hash: Sha256Hex,
  /** Updates from the root to `hash`: a receiver already this far or further ignores the message. */
  height: z.number().int().min(0),
});
export type ConfigUpdateMessage = z.infer<typeof ConfigUpdateMessage>;

/** On `config-requests` (key = rootHash): "send me the run from this root". */
export const ConfigRequest = z.strictObject({ rootHash: Sha256Hex });
export type ConfigRequest = z.infer<typeof ConfigRequest>;

export const CONFIG_UPDATES_TOPIC = 'config-updates';
export const CONFIG_REQUESTS_TOPIC = 'config-requests';

/** KV key of a channel's cached configuration state (`ConfigState` of channel-config/chain.ts, as JSON). */
export const configKvKey = (rootHash: string) => `config:${rootHash}`;

// ── the edge's answer to PUT /internal/config/{rootHash} (the origin's writer reads it) ──

const Height = z.number().int().min(0);
const errorOf = <Code extends string>(code: Code) => z.object({ code: z.literal(code), message: z.string() });

/** The 200 body: the update applied (and `room` got the channel's chat rules), or it was already held (a redelivery or an old answer). */
export const ConfigPutAccepted = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('applied'), hash: Sha256Hex, height: Height, updates: z.number().int().min(1), room: RoomName.nullable() }),
  z.object({ outcome: z.literal('unchanged'), hash: Sha256Hex, height: Height }),
]);
export type ConfigPutAccepted = z.infer<typeof ConfigPutAccepted>;

/** 409: the edge holds another hash than the update's base; the writer asks `config-requests` for the run from the root. */
export const ConfigPutGap = z.object({ error: errorOf('gap'), reason: z.literal('gap'), held: Sha256Hex, base: Sha256Hex });
/** 422: the update does not apply (a failing patch, an invalid result, a hash that does not match); `path` is the JSON pointer. */
export const ConfigPutInvalid = z.object({ error: errorOf('invalid_update'), reason: z.literal('invalid'), path: z.string() });
export const ConfigPutOtherRoot = z.object({ error: errorOf('other_root') });

/** Each outcome of `applyUpdate` as the edge answers it. */
export type ConfigPutAnswer =
  | { status: 200; body: ConfigPutAccepted }
  | { status: 409; body: z.infer<typeof ConfigPutGap> }
  | { status: 422; body: z.infer<typeof ConfigPutInvalid> }
  | { status: 400; body: z.infer<typeof ConfigPutOtherRoot> };
