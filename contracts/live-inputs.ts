import { z } from 'zod';
import { ChannelId, idSchema } from './ids.ts';

/** A live input, e.g. `live_…`: the thing a streamer publishes to (one stream key, many broadcasts). */
export const LiveInputId = idSchema('a live input id');

/**
 * Where a live input is: `idle` (nobody publishes), `live` (a publisher is authorized and sending),
 * `reconnecting` (the publisher left, the reconnect window is open), `ended` (the last broadcast ended).
 * `connecting` is the short time between an authorized publish and the first segment.
 */
export const LiveInputStatus = z.enum(['idle', 'connecting', 'live', 'reconnecting', 'ended']);
export type LiveInputStatus = z.infer<typeof LiveInputStatus>;

/** A platform the broadcast is pushed on to unchanged (`-c copy`), e.g. another service's RTMP ingest. */
export const RestreamTarget = z.strictObject({
  url: z.string().regex(/^rtmps?:\/\/\S+$/, 'a restream url must be rtmp:// or rtmps://'),
  streamKey: z.string().min(1).max(200),
});
export type RestreamTarget = z.infer<typeof RestreamTarget>;

/** How many targets one input pushes to at most (Cloudflare Stream allows 50 simulcast outputs). */
export const MAX_RESTREAM_TARGETS = 50;

/** A restream target, e.g. `rst_…`. */
export const RestreamTargetId = idSchema('a restream target id');

/**
 * Where one target's push is: `idle` (no broadcast), `connecting` (FFmpeg started, no media confirmed yet),
 * `live` (media flows to the target), `failed` (the last attempt ended with `lastError`; it is retried with backoff
 * while the broadcast lasts).
 */
export const RestreamTargetStatus = z.enum(['idle', 'connecting', 'live', 'failed']);
export type RestreamTargetStatus = z.infer<typeof RestreamTargetStatus>;

/** One target as the API shows it: its key masked (`****` + its last 4 characters), never in clear after creation. */
export const RestreamTargetView = z.object({
  id: RestreamTargetId,
  url: z.string(),
  streamKeyMasked: z.string(),
  status: RestreamTargetStatus,
  /** Why the last attempt ended, e.g. `target refused: Connection refused`; null once media flows again. */
  lastError: z.string().nullable(),
  statusChangedAt: z.iso.datetime(),
});
export type RestreamTargetView = z.infer<typeof RestreamTargetView>;

/**
 * `GET /internal/live/restream-targets/:id`: what the restream activity pushes to, read at run time so the key never
 * sits in Temporal history. The one place a target's key leaves the origin after creation (internal auth only).
 */
export const RestreamTargetSecret = z.object({
  id: RestreamTargetId,
  liveInputId: LiveInputId,
  url: z.string(),
  streamKey: z.string(),
});
export type RestreamTargetSecret = z.infer<typeof RestreamTargetSecret>;

/** `PUT /internal/live/restream-targets/:id/status`: the restream activity reports each change. */
export const RestreamTargetStatusReport = z.strictObject({
  status: RestreamTargetStatus,
  lastError: z.string().max(500).nullable(),
});
export type RestreamTargetStatusReport = z.infer<typeof RestreamTargetStatusReport>;

/** Beacons heartbeat every 30 s while playing (edge/public/player/beacons.js): a window that always holds one, plus delivery slack. */
export const LIVE_VIEWER_WINDOW_SECONDS = 45;

/**
 * `standard`: 2-s segments from FFmpeg's HLS muxer (~6 s behind live). `low`: LL-HLS (RFC 8216bis) packaged by the
 * origin from fragmented MP4 — parts of ~0.33 s, preload hints, blocking playlist reload (origin/src/live/llhls/).
 */
export const LiveLatency = z.enum(['standard', 'low']);
export type LiveLatency = z.infer<typeof LiveLatency>;

/** Mux allows 0–1,800 s; 60 s by default here too. */
export const MAX_RECONNECT_WINDOW_SECONDS = 1800;

/** `POST /v1/live-inputs`. */
export const CreateLiveInputBody = z.strictObject({
  title: z.string().min(1).max(200),
  channelId: ChannelId.optional(),
  reconnectWindowSeconds: z.number().int().min(0).max(MAX_RECONNECT_WINDOW_SECONDS).default(60),
  recording: z.enum(['on', 'off']).default('on'),
  restreamTargets: z.array(RestreamTarget).max(MAX_RESTREAM_TARGETS).default([]),
  /**
   * Opt-in SRT ingest: the input gets its own UDP port and passphrase (FFmpeg's SRT listener ignores `streamid`,
   * so inputs cannot share a port), shown once like the stream key.
   */
  srt: z.boolean().default(false),
  latency: LiveLatency.default('standard'),
});
export type CreateLiveInputBody = z.infer<typeof CreateLiveInputBody>;

/** Where a publisher sends its stream: the RTMP application URL plus the key (OBS wants them apart). */
export const IngestEndpoints = z.object({
  /** e.g. `rtmp://127.0.0.1:1935/live` (OBS "Server"). */
  rtmpUrl: z.string(),
  /** e.g. `srt://127.0.0.1:9710`, without the passphrase; null when the input has no SRT ingest. */
  srtUrl: z.string().nullable(),
});
export type IngestEndpoints = z.infer<typeof IngestEndpoints>;

/** One live input in the answers of `/v1/live-inputs` (origin/src/live/live-input-view.ts writes it; the CLI reads it). Never its key. */
export const LiveInputView = z.object({
  id: LiveInputId,
  title: z.string(),
  channelId: ChannelId.nullable(),
  status: LiveInputStatus,
  reconnectWindowSeconds: z.number().int(),
  recording: z.enum(['on', 'off']),
  latency: LiveLatency,
  /** Targets with their keys masked, each with its own push status. */
  restreamTargets: z.array(RestreamTargetView),
  /** How many broadcasts this input has had (the `n` of workflow `live-{id}-{n}`). */
  broadcasts: z.number().int().min(0),
  ingest: IngestEndpoints,
  /**
   * Present while a broadcast is live, reconnecting or just ended. Where to POST (operator token) for a signed
   * playback URL and watch page: the API never hands out an unsigned playlist URL (the gateway would refuse it).
   */
  playback: z.object({ tokenUrl: z.string() }).nullable(),
  /**
   * Watch pages playing the input now: distinct beacon sessions heard in the last LIVE_VIEWER_WINDOW_SECONDS (45 s) whose
   * last event was not pause, ended or error (players without beacons, e.g. ffplay, are not counted). Null while
   * idle or ended, or when analytics could not be read.
   */
  currentViewers: z.number().int().min(0).nullable(),
  /** Bits per second the publisher sends, as the ingest measures it (nginx-rtmp's stat `bw_in`); null without a publisher. */
  currentBitrate: z.number().int().min(0).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type LiveInputView = z.infer<typeof LiveInputView>;

/** `201` of `POST /v1/live-inputs` and `200` of `POST /v1/live-inputs/:id/rotate-key`: the only answers that carry the key. */
export const LiveInputWithKey = LiveInputView.extend({
  /** Shown once; the origin keeps only its hash. */
  streamKey: z.string(),
  /** `rtmpUrl/streamKey` in one, for FFmpeg. */
  publishUrl: z.string(),
  /** With SRT on: `srtUrl?passphrase=…&pbkeylen=16`, for FFmpeg (`-f mpegts`) or OBS; shown once, renewed with the key. Null otherwise. */
  srtPublishUrl: z.string().nullable(),
  srtPassphrase: z.string().nullable(),
});
export type LiveInputWithKey = z.infer<typeof LiveInputWithKey>;

/** `GET /v1/live-inputs`. */
export const LiveInputList = z.object({ liveInputs: z.array(LiveInputView) });
export type LiveInputList = z.infer<typeof LiveInputList>;

/** A stream key as the origin issues them: `lk_` + 43 base64url characters. Anything else is refused before a lookup. */
export const STREAM_KEY_PATTERN = /^lk_[A-Za-z0-9_-]{43}$/;

/**
 * The form nginx-rtmp POSTs on `on_publish` / `on_publish_done` (application/x-www-form-urlencoded).
 * `name` is the stream key as the publisher sent it; `clientid` is nginx's connection number.
 */
export const RtmpNotifyForm = z.object({
  call: z.string().optional(),
  app: z.string(),
  name: z.string(),
  addr: z.string().optional(),
  clientid: z.string().optional(),
  tcurl: z.string().optional(),
});
export type RtmpNotifyForm = z.infer<typeof RtmpNotifyForm>;

/**
 * One listener the SRT relay (ingest/srt-relay.ts) runs, as `GET /internal/live/srt-relays` lists them: the input's
 * port and passphrase, and the relay key it publishes into the RTMP application with (a second key of the input,
 * never shown to anyone, so the streamer's key stays hashed-only).
 */
export const SrtRelayInput = z.object({
  liveInputId: LiveInputId,
  port: z.number().int().min(1).max(65_535),
  passphrase: z.string(),
  relayKey: z.string().regex(STREAM_KEY_PATTERN),
});
export type SrtRelayInput = z.infer<typeof SrtRelayInput>;

export const SrtRelayList = z.object({ relays: z.array(SrtRelayInput) });
export type SrtRelayList = z.infer<typeof SrtRelayList>;
