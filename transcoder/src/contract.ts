/**
 * What the origin and the transcoder both speak: task queue, workflow id, input and result.
 * Plain types and constants only, so workflows, the worker and the origin can all import it.
 */

/** The task queue the transcoder worker polls. */
export const transcodeTaskQueue = 'vora-transcode';

/** One workflow per video: the id is what makes a second start for the same video a no-op. */
export function transcodeWorkflowId(videoId: string): string {
  return `video-${videoId}`;
}

export interface TranscodeVideoInput {
  videoId: string;
  /** Where the source is: an absolute local path, a `file://` URL or an `http(s)://` URL (bucket keys come with the S3 issue). */
  sourceKey: string;
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
}

/** For now the workflow ends after probing (the ladder comes next), so its result is the probe. */
export type TranscodeVideoResult = SourceProbe;

/** ApplicationFailure types the transcoder raises for inputs no retry can fix. */
export const sourceFailureTypes = {
  notAVideo: 'SourceNotAVideo',
  notFound: 'SourceNotFound',
  unsupportedLocation: 'SourceLocationUnsupported',
} as const;
