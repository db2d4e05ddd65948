import type { PublishedRendition, RenditionName } from '../../../contracts/transcode.ts';
import type { LadderPlan } from '../ladder/plan-ladder.ts';
import { mediaPlaylistText, type PlaylistSegment } from '../media/media-playlist.ts';
import { renditionBandwidth } from '../media/rendition-stats.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import { putPlaylist } from '../storage/put-playlist.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';
import { publishedRendition } from './stored-rendition.ts';

export interface JoinedRendition {
  name: RenditionName;
  /** The joined, continuous segment list (`joinChunkSegments`). */
  segments: PlaylistSegment[];
  /** Stored size of each segment, by name. */
  sizes: Record<string, number>;
}

/** Activity `publishJoined` (task queue `vora-playable`): each joined rung's VOD playlist, written once, with its measured bandwidth. */
export function createPublishJoined(deps: { storage: TranscoderStorage }) {
  return async function publishJoined(input: { videoId: string; plan: LadderPlan; rungs: JoinedRendition[] }): Promise<PublishedRendition[]> {
    const published: PublishedRendition[] = [];
    for (const rung of input.rungs) {
      const planned = input.plan.renditions.find((candidate) => candidate.name === rung.name);
      if (!planned) throw new Error(`rung ${rung.name} is not in the ladder plan`);
      const text = mediaPlaylistText({ type: 'VOD', segments: rung.segments, mapUri: 'init.mp4', ended: true });
      await putPlaylist(deps.storage, mediaKeys.playlist(input.videoId, rung.name), text, 'once');
      published.push(publishedRendition(input.videoId, planned, input.plan.frameRate, renditionBandwidth(rung.segments, (uri) => rung.sizes[uri] ?? 0)));
    }
    return published;
  };
}
