import { z } from 'zod';
import { VideoChatRoom, VideoVisibility } from './channels.ts';
import { ChannelId, VideoId } from './ids.ts';

/** The lifecycle of ARCHITECTURE.md: CREATED → UPLOADING → PROCESSING → (PLAYABLE) → READY, or FAILED; DELETED. */
export const VideoState = z.enum(['CREATED', 'UPLOADING', 'PROCESSING', 'PLAYABLE', 'READY', 'FAILED', 'DELETED']);
export type VideoState = z.infer<typeof VideoState>;
export const VIDEO_STATES = VideoState.options;

/** A rendition as the API shows it: no storage keys, dates as ISO text. */
export const RenditionView = z.object({
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** Peak bitrate, bits/s. */
  bandwidth: z.number(),
  averageBandwidth: z.number().nullable(),
  codecs: z.string(),
  frameRate: z.number().nullable(),
  publishedAt: z.iso.datetime(),
});
export type RenditionView = z.infer<typeof RenditionView>;

/** Automatic captions of one video (issue 25): what its upload asked for, and how the last run ended. */
export const AutoCaptionsView = z.object({
  /** The upload's own choice; null = as its channel's configuration (`autoCaptions`) says. */
  requested: z.object({ enabled: z.boolean(), language: z.string().optional() }).nullable(),
  /** null while nothing ran yet; `superseded`: an uploaded track of the language is there (or replaced it since). */
  state: z.enum(['generated', 'skipped', 'no-speech', 'failed', 'superseded']).nullable(),
  language: z.string().nullable(),
  engine: z.string().nullable(),
  reason: z.string().nullable(),
  /** The generated caption track, while it is stored. */
  trackId: z.string().nullable(),
  cueCount: z.number().nullable(),
  /** Seconds of audio transcribed, and how long extraction + recognition took. */
  audioSeconds: z.number().nullable(),
  elapsedSeconds: z.number().nullable(),
});
export type AutoCaptionsView = z.infer<typeof AutoCaptionsView>;

/** A deleted video's purge from one origin shield (issue 18): retried in the background until the shield acknowledges. */
export const ShieldPurgeState = z.enum(['pending', 'done', 'abandoned']);
export type ShieldPurgeState = z.infer<typeof ShieldPurgeState>;
export const ShieldPurgeView = z.object({
  /** The shield's base URL (VORA_SHIELD_URLS). */
  shield: z.string(),
  /** `pending`: the shield may still serve the video, the origin retries; `abandoned`: it gave up (repeat the DELETE). */
  state: ShieldPurgeState,
  attempts: z.number().int(),
  /** Why the last attempt failed, while the purge is not done. */
  lastError: z.string().nullable(),
  /** When the origin tries again; null once the purge ended. */
  nextAttemptAt: z.iso.datetime().nullable(),
  requestedAt: z.iso.datetime(),
});
export type ShieldPurgeView = z.infer<typeof ShieldPurgeView>;

/** One video in the answers of `/v1/videos` (origin/src/api/video-view.ts writes it; the CLI reads it). */
export const VideoView = z.object({
  id: VideoId,
  title: z.string(),
  description: z.string(),
  channelId: ChannelId.nullable(),
  /** The room its watch page joins: its channel's (shared), its own, or none. */
  chatRoom: VideoChatRoom,
  /** `public`: listed on its channel's page; `unlisted`: only through signed links. */
  visibility: VideoVisibility,
  state: VideoState,
  /** Transcoding progress, 0–1. */
  progress: z.number().min(0).max(1),
  durationSeconds: z.number().nullable(),
  maxDurationSeconds: z.number().nullable(),
  /** Facts about the uploaded file (e.g. `size`); never where its bytes sit. */
  source: z.record(z.string(), z.unknown()).nullable(),
  failureReason: z.string().nullable(),
  /** The gateway's copy: private media, readable with an operator's API token (viewers get it through the edge). */
  thumbnailUrl: z.string().nullable(),
  /**
   * Present once the lowest rendition is published (PLAYABLE, READY). Where to POST (operator token) for a signed
   * playback URL and watch page: the API never hands out an unsigned playlist URL (the gateway would refuse it).
   */
  playback: z.object({ tokenUrl: z.string() }).nullable(),
  /** Only on single-video reads. */
  renditions: z.array(RenditionView).optional(),
  /** Only on single-video reads; null when neither the upload nor the channel asked for automatic captions. */
  autoCaptions: AutoCaptionsView.nullable().optional(),
  /** On the answer of `DELETE` and single reads of a DELETED video, where the origin has shields: one per shield. */
  shieldPurges: z.array(ShieldPurgeView).optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type VideoView = z.infer<typeof VideoView>;

/** A one-time TUS creation URL: `POST /v1/videos` hands one out, `POST /v1/videos/:id/upload-url` a fresh one. */
export const UploadUrl = z.object({ url: z.string(), expiresAt: z.iso.datetime() });
export type UploadUrl = z.infer<typeof UploadUrl>;

/** `201` of `POST /v1/videos`. */
export const CreatedVideo = VideoView.extend({ upload: UploadUrl });
export type CreatedVideo = z.infer<typeof CreatedVideo>;

/** `GET /v1/videos`: newest first; pass `nextCursor` back as `cursor` for the next page. */
export const VideoPage = z.object({ videos: z.array(VideoView), nextCursor: z.string().nullable() });
export type VideoPage = z.infer<typeof VideoPage>;

/** `POST /v1/videos/:id/token`: a playback token and the URLs that carry it. */
export const PlaybackTokenAnswer = z.object({ token: z.string(), expiresAt: z.iso.datetime(), url: z.string(), watchUrl: z.string() });
export type PlaybackTokenAnswer = z.infer<typeof PlaybackTokenAnswer>;
