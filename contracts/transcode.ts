/**
 * What the origin and the transcoder both speak over Temporal: task queues, the workflow's name and
 * id, its input and result, and the activities the origin runs for it. Plain types and constants
 * only (no Temporal import), so the workflow bundle, the worker, the origin and the stack can all use it.
 */

/** The task queue the transcoder worker polls: the workflows and the ladder (READY) work, a few slots per worker. */
export const transcodeTaskQueue = 'vora-transcode';

/**
 * The queue of the short work that makes a video PLAYABLE (probe, stream copy, first progressive segments) and of
 * small bookkeeping: its own worker slots, so it never waits behind ladders (performance review §3b).
 */
export const playableTaskQueue = 'vora-playable';

/** The workflow's type name: the origin starts it by this name and never imports the transcoder's code. */
export const transcodeWorkflowType = 'transcodeVideo';

/** One workflow per video: the id is what makes a second start for the same video a no-op. */
export function transcodeWorkflowId(videoId: string): string {
  return `video-${videoId}`;
}

export interface TranscodeVideoInput {
  videoId: string;
  /** The object key of the upload in bucket `vora-raw` (an absolute local path, `file://` or `http(s)://` URL also work, for tests and tools). */
  sourceKey: string;
  /**
   * Chunked encoding for READY: absent = sources longer than 5 min in 64 s chunks across workers; 0 = never (one
   * single pass); N = chunks of about N seconds whatever the length (tools, tests, benchmarks).
   */
  chunkSeconds?: number;
}

/** What ffprobe tells us about a source that is a playable video. */
export interface SourceProbe {
  durationSeconds: number;
  width: number;
  height: number;
  hasAudio: boolean;
  /** ffprobe's codec name, e.g. `h264`, `hevc`, `vp9`. */
  videoCodec: string;
  /** Frames per second, from the stream's average (or declared) frame rate. */
  frameRate: number;
  /**
   * Whether the source is "standard input" that can be published as it is (stream copy, rendition `src`),
   * decided from the probe and a key-frame scan of its first 30 s; absent from probes of older workers.
   */
  standardInput?: StandardInputVerdict;
}

/** The standard-input decision: the RFC 6381 codecs of the copy when standard, else every reason it is not. */
export type StandardInputVerdict = { standard: true; codecs: string } | { standard: false; reasons: string[] };

/** What the workflow returns once the video is READY: the probe, and what was published. */
export interface TranscodeVideoResult extends SourceProbe {
  renditions: PublishedRendition[];
  thumbnailKey: string;
}

/** The signature of workflow `transcodeVideo` (transcoder/src/workflows.ts implements it). */
export type TranscodeVideoWorkflow = (input: TranscodeVideoInput) => Promise<TranscodeVideoResult>;

/** The ladder's rungs, highest first; a channel's configuration may pick among them. */
export const RENDITION_NAMES = ['1080p', '720p', '360p'] as const;
export type RungName = (typeof RENDITION_NAMES)[number];
/** Ladder rungs, and `src`: the source stream-copied (standard input), listed by the master until READY. */
export type RenditionName = RungName | 'src';

/** One encoded HLS variant, as recorded by the origin (a row of `renditions`). */
export interface PublishedRendition {
  name: RenditionName;
  width: number;
  height: number;
  /** Peak segment bitrate, bits/s (HLS BANDWIDTH). */
  bandwidth: number;
  /** Whole-rendition bitrate, bits/s (HLS AVERAGE-BANDWIDTH). */
  averageBandwidth: number;
  /** RFC 6381, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
  frameRate: number;
  /** `{videoId}/{name}/playlist.m3u8` in `vora-media`. */
  playlistKey: string;
}

/** Signal the encode activity sends its workflow every ~10 % (a number 0..1), so the origin can record progress. */
export const progressSignalName = 'transcodeProgress';

/** Signal of the progressive first rung once its init segment, first segment and EVENT playlist are stored: a `PublishedRendition`. */
export const firstSegmentSignalName = 'firstSegmentStored';

/** The task queue of the origin's worker: the activities that touch the DB, the state and the events. */
export const originTaskQueue = 'vora-origin';

/** Whether the origin lets a probed source be transcoded (its policy, e.g. maxDurationSeconds). */
export type ProbeVerdict = { accepted: true } | { accepted: false; reason: string };

/**
 * The activities the origin runs on `vora-origin`; the transcode workflow calls them by these names.
 * Every one is idempotent: a retry after a lost reply changes nothing and publishes no second event.
 */
export interface OriginActivities {
  /** Records duration and source facts; refuses what the video's policy forbids. */
  acceptProbe(input: { videoId: string; probe: SourceProbe }): Promise<ProbeVerdict>;
  /** Transcoding progress 0..1; never moves backwards. */
  setProgress(input: { videoId: string; progress: number }): Promise<void>;
  recordRenditions(input: { videoId: string; renditions: PublishedRendition[] }): Promise<void>;
  /** A progressive rung, recorded at PLAYABLE with its planned peak, gets its measured bandwidth once complete. */
  updateRenditionBandwidth(input: { videoId: string; name: RenditionName; bandwidth: number; averageBandwidth: number }): Promise<void>;
  /** PROCESSING → PLAYABLE (a first rendition is published: `src`, or the first segments of the lowest rung). */
  markPlayable(input: { videoId: string }): Promise<void>;
  /** PROCESSING|PLAYABLE → READY with the thumbnail. */
  markReady(input: { videoId: string; thumbnailKey: string }): Promise<void>;
  /** Any live state → FAILED with a reason for people. */
  markFailed(input: { videoId: string; reason: string }): Promise<void>;
  /** Whether this video gets automatic captions, and in which language: its upload's choice, else its channel's configuration. */
  autoCaptionsPlan(input: { videoId: string }): Promise<AutoCaptionsPlan | null>;
  /** Stores a generated track (unless an uploaded track of its language is there), and records every outcome. */
  recordAutoCaptions(input: { videoId: string; outcome: AutoCaptionsOutcome }): Promise<void>;
}

// ── automatic captions (issue 25) ──────────────────────────────────────────

/** The queue of speech recognition: slots of its own, so captions never hold a ladder or PLAYABLE slot. */
export const captionsTaskQueue = 'vora-captions';

/** Automatic captions wanted for a video: the spoken language, BCP-47 (`en`, `en-US`, `fr`). */
export interface AutoCaptionsPlan {
  language: string;
}

/** A track the speech engine made: WebVTT staged in `vora-media`, for the origin to store as a generated track. */
export interface GeneratedCaptions {
  language: string;
  /** `{videoId}/auto-captions/{language}.vtt` in `vora-media`, written once. */
  webvttKey: string;
  engine: string;
  model: string;
  cueCount: number;
  wordCount: number;
  /** Length of the audio transcribed, and how long extraction + recognition took (seconds). */
  audioSeconds: number;
  elapsedSeconds: number;
}

/**
 * How automatic captions ended. Never a reason to fail the video: `skipped` (no audio, no engine for the
 * language), `no-speech` (the engine heard no words), `failed` (the engine or a write kept failing).
 */
export type AutoCaptionsOutcome =
  | { state: 'generated'; captions: GeneratedCaptions }
  | { state: 'skipped' | 'no-speech' | 'failed'; language: string; reason: string; engine?: string };

/** ApplicationFailure types the transcoder raises for inputs no retry can fix. */
export const sourceFailureTypes = {
  notAVideo: 'SourceNotAVideo',
  notFound: 'SourceNotFound',
  unsupportedLocation: 'SourceLocationUnsupported',
  tooLong: 'SourceTooLong',
  /** Frame size, frame rate, stream count, metadata… past the transcoder's limits, or FFmpeg killed by its memory/CPU limit. */
  beyondLimits: 'SourceBeyondLimits',
} as const;
