import { z } from 'zod';
import { idSchema, NAME_PATTERN, VideoId } from './ids.ts';

/**
 * Kafka topic of QoE events. A message value is one gzip member (RFC 1952) holding the PlaybackEventRow lines of one
 * send of the origin, of any videos, each ending in '\n' (JSONEachRow), with the header PLAYBACK_EVENTS_ROWS_HEADER
 * giving how many; it has no key (partitions take sends in turn). Older producers keyed messages by video id and
 * wrote one member per video, before that those lines uncompressed and joined by '\n' (no trailing newline), before
 * that one row per message, and before that one PlaybackEventRecord: consumers read all of them while such messages
 * may remain (a gzip value starts with 0x1f 0x8b, a JSON line with '{').
 */
export const PLAYBACK_EVENTS_TOPIC = 'playback-events';

/** Header of a compressed `playback-events` message: its row count, decimal (the sink counts rows without inflating). */
export const PLAYBACK_EVENTS_ROWS_HEADER = 'rows';

/**
 * Most bytes of rows (before compression) the origin puts in one Kafka request: the broker refuses a partition's
 * batch over its `message.max.bytes` (1 MiB by default), and a send is one message, so one partition's batch; kept
 * below 1 MiB uncompressed so that no content, however badly it compresses, can reach it (gzip adds a few bytes to
 * what it cannot shrink).
 */
export const MAX_PLAYBACK_EVENTS_SEND_BYTES = 768 * 1024;

/** A beacon body is small: the edge refuses larger ones before parsing (413). */
export const MAX_BEACON_BYTES = 32 * 1024;
export const MAX_BEACON_EVENTS = 100;

/**
 * What a player reports. `heartbeat` is sent every few seconds *while playing* (watch time counts
 * the time after play, stall_end, heartbeat and bitrate_switch up to the next event); `stall_end`
 * carries the stall's length in `stallMs`.
 */
export const BeaconEventType = z.enum(['play', 'pause', 'seek', 'stall', 'stall_end', 'bitrate_switch', 'error', 'ended', 'heartbeat']);
export type BeaconEventType = z.infer<typeof BeaconEventType>;

const SessionId = idSchema('a session id');

export const BeaconEvent = z.strictObject({
  type: BeaconEventType,
  /** When it happened, epoch milliseconds (the player's clock). */
  at: z.number().int().positive(),
  /** Media position in seconds. */
  position: z.number().min(0).max(1e7),
  /** Bits per second of the rendition playing. */
  bitrate: z.number().int().min(0).max(1e9).optional(),
  rendition: z.string().regex(NAME_PATTERN).optional(),
  stallMs: z.number().int().min(0).max(3_600_000).optional(),
  /** A player error code, e.g. `networkError/fragLoadError`. */
  code: z.string().max(100).optional(),
});
export type BeaconEvent = z.infer<typeof BeaconEvent>;

/** `POST edge /beacon`. The playback token goes in `Authorization: Bearer` or in `token`. */
export const BeaconBatch = z.strictObject({
  sessionId: SessionId,
  videoId: VideoId,
  token: z.string().max(4096).optional(),
  events: z.array(BeaconEvent).min(1).max(MAX_BEACON_EVENTS),
});
export type BeaconBatch = z.infer<typeof BeaconBatch>;

/** One event as the edge forwards it to the origin: enriched, no raw IP (Kafka carries it as a PlaybackEventRow). */
export const PlaybackEventRecord = z.strictObject({
  /** Deterministic (session, type, at, position): a resent beacon or a replayed batch has the same ids. */
  eventId: z.string().regex(/^[0-9a-f]{32}$/),
  sessionId: SessionId,
  videoId: VideoId,
  /** SHA-256 of the client IP with a salt that changes daily: counts unique viewers, identifies no one. */
  viewerId: z.string().regex(/^[0-9a-f]{32}$/),
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: z.string().regex(/^([A-Z]{2})?$/),
  type: BeaconEventType,
  at: z.number().int().positive(),
  position: z.number().min(0),
  bitrate: z.number().int().min(0).optional(),
  rendition: z.string().max(32).optional(),
  stallMs: z.number().int().min(0).optional(),
  code: z.string().max(100).optional(),
  /** When the edge received it, epoch milliseconds. */
  receivedAt: z.number().int().positive(),
});
export type PlaybackEventRecord = z.infer<typeof PlaybackEventRecord>;

/**
 * A line of a Kafka `playback-events` message, which the sink streams into ClickHouse unparsed: one
 * `playback_events` row as JSONEachRow reads it (snake_case, DateTime as epoch seconds), written by the
 * origin from a validated PlaybackEventRecord. The sink checks it only when ClickHouse refuses a batch.
 */
export const PlaybackEventRow = z.strictObject({
  event_id: z.string().regex(/^[0-9a-f]{32}$/),
  video_id: VideoId,
  session_id: SessionId,
  viewer_id: z.string().regex(/^[0-9a-f]{32}$/),
  country: z.string().regex(/^([A-Z]{2})?$/),
  type: BeaconEventType,
  at: z.number().int().positive(),
  at_ms: z.number().int().positive(),
  position: z.number().min(0),
  bitrate: z.number().int().min(0).max(4_294_967_295),
  rendition: z.string().max(32),
  stall_ms: z.number().int().min(0).max(4_294_967_295),
  code: z.string().max(100),
  received_at: z.number().int().positive(),
});
export type PlaybackEventRow = z.infer<typeof PlaybackEventRow>;

/** `POST origin /internal/beacons` (behind the internal secret). */
export const InternalBeaconBatch = z.strictObject({
  events: z.array(PlaybackEventRecord).min(1).max(MAX_BEACON_EVENTS),
});
export type InternalBeaconBatch = z.infer<typeof InternalBeaconBatch>;

/** `GET /v1/videos/:id/analytics` answer. */
export interface VideoAnalytics {
  videoId: string;
  from: string;
  to: string;
  /** Distinct sessions. */
  views: number;
  uniqueViewers: number;
  watchSeconds: number;
  averageViewSeconds: number;
  startupMs: { p50: number | null; p95: number | null };
  /** Stall time / (stall time + play time); 0 without play. */
  rebufferRatio: number;
  /** Mean of reported bitrates (bits/s), null when none was reported. */
  bitrateAverage: number | null;
  errors: number;
  byCountry: Array<{ country: string; views: number }>;
  /** Views (distinct sessions) per UTC day the range touches, oldest first, 0 on days without any. */
  viewsByDay: DayViews[];
}

export interface DayViews {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  views: number;
}

export interface TopVideo {
  videoId: string;
  /** Distinct sessions in the range. */
  views: number;
  /** Sessions that reached a `play` event. */
  plays: number;
}

/** `GET /v1/analytics/top?from&to&limit` answer. */
export interface TopVideos {
  from: string;
  to: string;
  /** `daily` when the range is whole UTC days (read from the daily aggregate), else `events`. */
  source: 'daily' | 'events';
  videos: TopVideo[];
}
