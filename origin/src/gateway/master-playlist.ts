// Named imports: hls-parser is CommonJS with __esModule, so a default import is undefined under some interop modes.
import { stringify } from 'hls-parser';
import { MasterPlaylist, Rendition as MediaRendition, Variant } from 'hls-parser/types.js';
import { CAPTION_TRACK_FOLDER, SUBTITLE_GROUP_ID, type CaptionKind } from '../../../contracts/captions.ts';
import type { Rendition } from '../db/renditions.ts';

/** The fields of a recorded rendition a master playlist needs (a subset of the DB row). */
export type MasterRendition = Pick<Rendition, 'videoId' | 'name' | 'width' | 'height' | 'bandwidth' | 'averageBandwidth' | 'codecs' | 'frameRate' | 'playlistKey' | 'publishedAt'>;

/** The stream copy of standard input (transcoder `publishSource`): published first, replaced by the ladder at READY. */
export const sourceRenditionName = 'src';

/**
 * What the master offers in `state`: until READY only `src` when there is one (it is the whole source, playable at
 * once, and its segments do not align with the ladder's); at READY the ladder, without `src`. Players that already
 * hold `src` keep playing it: its objects stay until the video is deleted. Pure.
 */
export function masterRenditions<T extends Pick<Rendition, 'name'>>(renditions: readonly T[], state: string): T[] {
  const source = renditions.filter((rendition) => rendition.name === sourceRenditionName);
  const ladder = renditions.filter((rendition) => rendition.name !== sourceRenditionName);
  if (state === 'READY') return ladder.length > 0 ? ladder : source;
  return source.length > 0 ? source : ladder;
}

/** Only renditions published at or before `now` are offered (a row dated in the future is not out yet). */
export function publishedRenditions<T extends Pick<Rendition, 'publishedAt'>>(renditions: readonly T[], now: Date): T[] {
  return renditions.filter((rendition) => rendition.publishedAt.getTime() <= now.getTime());
}

/**
 * The variant's URI relative to the master (`{videoId}/master.m3u8`): its playlist key without the
 * `{videoId}/` prefix, so the master works under any mount point (the gateway, the edge, a CDN node).
 */
export function variantUri(rendition: Pick<Rendition, 'videoId' | 'name' | 'playlistKey'>): string {
  const prefix = `${rendition.videoId}/`;
  return rendition.playlistKey.startsWith(prefix) ? rendition.playlistKey.slice(prefix.length) : `${rendition.name}/playlist.m3u8`;
}

const safeUri = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*\.m3u8$/;
const safeCodecs = /^[A-Za-z0-9.+_-]+(,[A-Za-z0-9.+_-]+)*$/;

/** A row whose text could break the playlist (a quote, a newline, a `..`) is left out rather than written. */
export function isWellFormed(rendition: MasterRendition): boolean {
  const uri = variantUri(rendition);
  return (
    safeUri.test(uri) &&
    !uri.split('/').includes('..') &&
    safeCodecs.test(rendition.codecs) &&
    Number.isInteger(rendition.width) && rendition.width > 0 &&
    Number.isInteger(rendition.height) && rendition.height > 0 &&
    rendition.bandwidth > 0 &&
    (rendition.frameRate == null || rendition.frameRate > 0)
  );
}

/** The fields of a caption track a master playlist needs (captions/track-store.ts rows). */
export interface MasterSubtitleTrack {
  /** `cap_…`: also the track's folder beside the renditions, `{trackId}/playlist.m3u8`. */
  id: string;
  language: string;
  label: string;
  kind: CaptionKind;
}

/** Apple's characteristics of captions for the deaf and hard of hearing (HLS authoring spec): players mark them SDH. */
const SDH_CHARACTERISTICS = 'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound';
const safeTrackText = /^[^"\p{Cc}]{1,64}$/u;

/**
 * One `EXT-X-MEDIA:TYPE=SUBTITLES` per track in group `subs`. Nothing is DEFAULT or AUTOSELECT: captions show
 * when the viewer asks (the watch page remembers the choice). Labels repeated in a group get ` (2)`… as the RFC
 * wants distinct NAMEs; a track whose text could break the playlist is left out.
 */
export function subtitleRenditions(tracks: readonly MasterSubtitleTrack[]): MediaRendition[] {
  const names = new Set<string>();
  return tracks
    .filter((track) => safeTrackText.test(track.label) && /^[A-Za-z0-9-]{2,35}$/.test(track.language) && CAPTION_TRACK_FOLDER.test(track.id))
    .map((track) => {
      let name = track.label;
      for (let n = 2; names.has(name); n++) name = `${track.label} (${n})`;
      names.add(name);
      return new MediaRendition({
        type: 'SUBTITLES',
        groupId: SUBTITLE_GROUP_ID,
        name,
        language: track.language,
        isDefault: false,
        autoselect: false,
        forced: false,
        characteristics: track.kind === 'captions' ? SDH_CHARACTERISTICS : undefined,
        uri: `${track.id}/playlist.m3u8`,
      });
    });
}

/**
 * The HLS master (multivariant) playlist of one video, per RFC 8216 §4.3.4.2: one EXT-X-STREAM-INF per
 * rendition with BANDWIDTH (peak bps), AVERAGE-BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE (3 decimals).
 * Variants are sorted by ascending bandwidth: players that start on the first variant (Safari) start fast.
 * With caption tracks, each is an EXT-X-MEDIA of group `subs` (hls-parser writes a line repeated across variants once) and every variant says
 * `SUBTITLES="subs"`; without, the text is what it always was. Returns null when there is nothing (well-formed)
 * to play. Pure: the caller filters by publication and reads the DB.
 */
export function buildMasterPlaylist(renditions: readonly MasterRendition[], tracks: readonly MasterSubtitleTrack[] = []): string | null {
  const playable = renditions.filter(isWellFormed);
  if (playable.length === 0) return null;
  const subtitles = subtitleRenditions(tracks);
  const sorted = [...playable].sort((a, b) => a.bandwidth - b.bandwidth || a.height - b.height || a.name.localeCompare(b.name));
  const variants = sorted.map(
    (rendition) =>
      new Variant({
        uri: variantUri(rendition),
        bandwidth: Math.round(rendition.bandwidth),
        // hls-parser leaves out a missing (undefined) AVERAGE-BANDWIDTH or FRAME-RATE, as the spec allows.
        averageBandwidth: rendition.averageBandwidth == null ? undefined : Math.round(rendition.averageBandwidth),
        codecs: rendition.codecs,
        resolution: { width: rendition.width, height: rendition.height },
        frameRate: rendition.frameRate ?? undefined,
        subtitles: subtitles.length > 0 ? subtitles : undefined,
      }),
  );
  // Every segment starts with a key frame of a closed GOP (the ladder's contract), so segments decode alone.
  const playlist = new MasterPlaylist({ independentSegments: true, variants });
  return `${stringify(playlist)}\n`;
}
