/**
 * What the origin and the transcoder speak about live broadcasts over Temporal, and the layout of a broadcast
 * in `vora-media`. Plain types and constants only (no Temporal import), like contracts/transcode.ts.
 */

/** The queue of live ladder activities: long-running, one per broadcast, their own worker slots. */
export const liveTaskQueue = 'vora-live';

/** The workflow type the origin starts on an authorized publish (on the transcoder's workflow queue). */
export const liveBroadcastWorkflowType = 'liveBroadcast';

/** One workflow per broadcast: `live-{inputId}-{n}`; a second start for the same broadcast is a no-op. */
export function liveBroadcastWorkflowId(inputId: string, broadcast: number): string {
  return `live-${inputId}-${broadcast}`;
}

export interface LiveBroadcastInput {
  inputId: string;
  /** 1 for the input's first broadcast, then 2, … */
  broadcast: number;
  /** Where the ladder pulls the stream: `rtmp://{ingest}/live/{inputId}` (the ingest node it landed on). */
  pullUrl: string;
  /** A publisher back within this long continues this broadcast behind a discontinuity; after it the broadcast ends. */
  reconnectWindowSeconds: number;
  /** Keep the ended broadcast as a READY video (its segments copied, no re-encode). Absent: on. */
  recording?: boolean;
  /** `low`: the ladder PUTs fragmented MP4 to the origin's LL-HLS packager. Absent: standard. */
  latency?: 'standard' | 'low';
}

/**
 * One uninterrupted run of the ladder in one rung: its init segment and consecutive segments from `first`.
 * Runs are separated by EXT-X-DISCONTINUITY (the publisher came back, the worker died, the source changed).
 */
export interface LiveSection {
  mapUri: string;
  /** Number of the first segment (`seg_{first}.m4s`). */
  first: number;
  /** Seconds of each segment, in order. */
  durations: number[];
}

/**
 * A low-latency rung's stream into the origin's packager, under its internal live routes (`…/internal/live`):
 * one chunked PUT of fragmented MP4 per encoder run; `sections` (GET) answers what was stored once the run is
 * closed; `end` (POST, per broadcast) closes the playlists with EXT-X-ENDLIST.
 */
export const llhlsIngestPaths = {
  stream: (inputId: string, broadcast: number, rung: string) => `/${inputId}/b${broadcast}/${rung}/stream.mp4`,
  sections: (inputId: string, broadcast: number, rung: string) => `/${inputId}/b${broadcast}/${rung}/sections`,
  end: (inputId: string, broadcast: number) => `/${inputId}/b${broadcast}/end`,
};

/** The video an ended broadcast becomes: one per broadcast, so a retried recording finds its own. */
export function recordingVideoId(inputId: string, broadcast: number): string {
  return `rec_${inputId}_b${broadcast}`;
}

/** Signal to `live-{id}-{n}`: the publisher is back within the window; the argument is the new pull URL. */
export const liveRepublishedSignalName = 'republished';

/** Signal to `live-{id}-{n}`: a restream target was added or removed; the workflow reads the ids again and syncs its pushes. */
export const liveRestreamTargetsChangedSignalName = 'restream-targets-changed';

/** Where a live input is, as the broadcast's workflow needs to know it. */
export type LiveInputPresence = 'publishing' | 'reconnecting' | 'gone';

/**
 * Activities the origin runs on `vora-origin` for the live workflow (the DB row of the input is the one authority
 * on whether a publisher is there, so the workflow asks rather than guesses).
 */
export interface LiveOriginActivities {
  /** Whether broadcast `n` of the input has a publisher now, waits for one, or is over (ended, deleted, superseded). */
  liveInputPresence(input: { inputId: string; broadcast: number }): Promise<LiveInputPresence>;
  /**
   * Ends broadcast `n` if nobody came back (status reconnecting → ended, in one UPDATE); `continued` when a publisher
   * claimed it meanwhile (its republished signal is on the way).
   */
  closeLiveBroadcast(input: { inputId: string; broadcast: number }): Promise<'ended' | 'continued' | 'gone'>;
  /** Creates the recording's video row (PROCESSING, titled after the input, in its channel); a repeat changes nothing. */
  createLiveRecording(input: { inputId: string; broadcast: number; videoId: string; durationSeconds: number }): Promise<void>;
  /** The ids of the input's restream targets (never their URLs or keys: activity results sit in Temporal history). */
  restreamTargetIds(input: { inputId: string }): Promise<string[]>;
}

export interface LiveBroadcastResult {
  /** Segments of the lowest rendition in the final playlist. */
  segments: number;
  /** How many times the ladder ran (1 unless the publisher came back or the ladder restarted). */
  ladderRuns: number;
}

/** The live ladder: 2 s segments; rungs highest first. */
export const LIVE_SEGMENT_SECONDS = 2;

export interface LiveRung {
  name: string;
  height: number;
  /** x264 target bitrate, bits/s. */
  videoBitrate: number;
  /** HLS BANDWIDTH: peak, with audio and container overhead. */
  bandwidth: number;
}

export const LIVE_LADDER: readonly LiveRung[] = [
  { name: '720p', height: 720, videoBitrate: 2_500_000, bandwidth: 3_000_000 },
  { name: '360p', height: 360, videoBitrate: 800_000, bandwidth: 1_000_000 },
];

/** A rung's nominal width: 16:9, even. */
export function rungWidth(height: number): number {
  return Math.round((height * 16) / 9 / 2) * 2;
}

/** x264 High profile, level 3.1, and AAC-LC: the same codecs string for every rung and broadcast. */
export const LIVE_CODECS = 'avc1.64001f,mp4a.40.2';

/**
 * Layout of a live input in `vora-media`: `live/{inputId}/master.m3u8` (rewritten for each broadcast) and
 * `live/{inputId}/b{n}/{rung}/…` (each broadcast's own playlists and write-once segments).
 */
export const liveKeys = {
  master: (inputId: string) => `live/${inputId}/master.m3u8`,
  broadcastPrefix: (inputId: string, broadcast: number) => `live/${inputId}/b${broadcast}/`,
  rendition: (inputId: string, broadcast: number, rung: string, file: string) => `live/${inputId}/b${broadcast}/${rung}/${file}`,
  playlist: (inputId: string, broadcast: number, rung: string) => `live/${inputId}/b${broadcast}/${rung}/playlist.m3u8`,
};

/** The path of a broadcast's folder as the master names it (relative to the master). */
export const broadcastFolder = (broadcast: number) => `b${broadcast}`;
