import { z } from 'zod';
import { MAX_ID_LENGTH } from './ids.ts';
import { VIDEO_STATES, VideoState } from './videos.ts';

/** Kafka topic of every video state change; the message key is the video id (one partition per video: ordered). */
export const VIDEO_EVENTS_TOPIC = 'video-events';

/** `video.created`, `video.uploading`, … `video.deleted`: one type per state the video entered. */
export type VideoEventType = `video.${Lowercase<VideoState>}`;

export function videoEventType(state: VideoState): VideoEventType {
  return `video.${state.toLowerCase()}` as VideoEventType;
}

export const VideoEventType = z.enum(VIDEO_STATES.map(videoEventType) as [VideoEventType, ...VideoEventType[]]);

/**
 * One message on `video-events`. `id` is unique per event, so a consumer can drop the duplicates
 * that at-least-once delivery (or a retried activity) produces; `at` is ISO 8601.
 */
export const VideoEvent = z
  .object({
    /** The event's own id (`evt_{uuid}`), chosen by the producer; not an entity id, hence its own bound. */
    id: z.string().min(1).max(100),
    type: VideoEventType,
    /** Bounded like every id; the alphabet is checked where it matters (the bridge refuses ids that make no room name). */
    videoId: z.string().min(1).max(MAX_ID_LENGTH),
    state: VideoState,
    at: z.iso.datetime(),
    /** Why the video FAILED, in words for people. */
    reason: z.string().max(2000).optional(),
  })
  .refine((event) => event.type === videoEventType(event.state), { message: 'type must be video.<state in lower case>', path: ['type'] });
export type VideoEvent = z.infer<typeof VideoEvent>;
