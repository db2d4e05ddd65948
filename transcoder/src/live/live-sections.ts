import { rungWidth, type LiveSection } from '../../../contracts/live.ts';
import type { PlaylistSegment } from '../media/media-playlist.ts';

export type { LiveSection };

/** Every rung's sections so far: what a restarted ladder continues from (heartbeat details, workflow state). */
export type LiveRungSections = Record<string, LiveSection[]>;

export const liveSegmentName = (number: number) => `seg_${String(number).padStart(5, '0')}.m4s`;

/** The number after the last segment of any rung (1 when nothing was stored): a restarted ladder starts there. */
export function nextSegmentNumber(sections: LiveRungSections): number {
  let next = 1;
  for (const rung of Object.values(sections)) {
    for (const section of rung) next = Math.max(next, section.first + section.durations.length);
  }
  return next;
}

/** The rung's sections with this run's stored segments as the last one (replacing an earlier view of the same run). Pure. */
export function withRun(prior: readonly LiveSection[], run: { mapUri: string; segments: readonly PlaylistSegment[] }, first: number): LiveSection[] {
  const earlier = prior.filter((section) => section.first < first);
  if (run.segments.length === 0) return earlier;
  return [...earlier, { mapUri: run.mapUri, first, durations: run.segments.map((segment) => Math.round(segment.seconds * 1000) / 1000) }];
}

export interface LivePlaylistOptions {
  /** EXT-X-TARGETDURATION: fixed for the whole broadcast (2 s segments). */
  targetSeconds: number;
  /** The broadcast is over: EXT-X-ENDLIST (and the full list is the recording). */
  ended: boolean;
  /** EVENT while live (default); VOD for the recording's own copy. */
  type?: 'EVENT' | 'VOD';
}

/**
 * The stored media playlist of a rung: every segment of the broadcast (an EVENT playlist: the gateway serves a
 * sliding window of it while live, the whole of it once ended), a discontinuity and the run's own init between
 * sections. Generated from what is stored, never FFmpeg's file, so it never names a missing segment. Pure.
 */
export function livePlaylistText(sections: readonly LiveSection[], options: LivePlaylistOptions): string {
  const longest = Math.max(0, ...sections.flatMap((section) => section.durations.map((seconds) => Math.round(seconds))));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.max(options.targetSeconds, longest)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXT-X-PLAYLIST-TYPE:${options.type ?? 'EVENT'}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  sections.forEach((section, index) => {
    if (index > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-MAP:URI="${section.mapUri}"`);
    section.durations.forEach((seconds, offset) => lines.push(`#EXTINF:${seconds.toFixed(3)},`, liveSegmentName(section.first + offset)));
  });
  if (options.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** The master of a broadcast: one variant per rung, relative to `live/{inputId}/`. Pure. */
export function liveMasterText(broadcastFolder: string, rungs: ReadonlyArray<{ name: string; bandwidth: number; height: number }>, codecs: string): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const rung of rungs) {
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${rung.bandwidth},CODECS="${codecs}",RESOLUTION=${rungWidth(rung.height)}x${rung.height}`, `${broadcastFolder}/${rung.name}/playlist.m3u8`);
  }
  return `${lines.join('\n')}\n`;
}
