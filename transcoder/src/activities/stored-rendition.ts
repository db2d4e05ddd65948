import { GetObjectCommand, ListObjectsV2Command, NoSuchKey } from '@aws-sdk/client-s3';
import type { PublishedRendition } from '../../../contracts/transcode.ts';
import type { RenditionPlan } from '../ladder/plan-ladder.ts';
import { playlistEnded } from '../media/media-playlist.ts';
import { playlistSegments, renditionBandwidth } from '../media/rendition-stats.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';

/** What a published rendition needs from its plan (a ladder rung, or `src` described by the probe). */
export type RenditionShape = Pick<RenditionPlan, 'name' | 'width' | 'height' | 'codecs'>;

/** The stored playlist text of a rendition, or null when there is none. */
export async function storedPlaylist(storage: TranscoderStorage, videoId: string, name: RenditionPlan['name']): Promise<string | null> {
  try {
    const object = await storage.s3.send(new GetObjectCommand({ Bucket: storage.mediaBucket, Key: mediaKeys.playlist(videoId, name) }));
    return await object.Body!.transformToString('utf8');
  } catch (error) {
    if (error instanceof NoSuchKey) return null;
    throw error;
  }
}

/**
 * The rendition as an earlier attempt stored it, or null. A stored playlist with ENDLIST means the rendition is
 * complete (it is written last), so a retry resumes after it instead of encoding it again; a growing (EVENT)
 * playlist without ENDLIST is a progressive rung still in the making.
 */
export async function storedRendition(storage: TranscoderStorage, videoId: string, rendition: RenditionShape, frameRate: number): Promise<PublishedRendition | null> {
  const playlist = await storedPlaylist(storage, videoId, rendition.name);
  if (playlist === null || !playlistEnded(playlist)) return null;
  const parsed = playlistSegments(playlist);
  if (!parsed.ok) throw new Error(`stored playlist of ${videoId}/${rendition.name} is unreadable: ${parsed.reason}`);
  const prefix = mediaKeys.rendition(videoId, rendition.name, '');
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await storage.s3.send(new ListObjectsV2Command({ Bucket: storage.mediaBucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) sizes.set(object.Key.slice(prefix.length), object.Size ?? 0);
    token = page.NextContinuationToken;
  } while (token);
  return publishedRendition(videoId, rendition, frameRate, renditionBandwidth(parsed.segments, (uri) => sizes.get(uri) ?? 0));
}

/** What the origin records about a stored rung. */
export function publishedRendition(videoId: string, rendition: RenditionShape, frameRate: number, bandwidth: { bandwidth: number; averageBandwidth: number }): PublishedRendition {
  return {
    name: rendition.name,
    width: rendition.width,
    height: rendition.height,
    ...bandwidth,
    codecs: rendition.codecs,
    frameRate,
    playlistKey: mediaKeys.playlist(videoId, rendition.name),
  };
}
