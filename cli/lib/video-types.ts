import type { VideoView as ApiVideoView } from '../../contracts/videos.ts';

export type { CreatedVideo, PlaybackTokenAnswer as PlaybackToken } from '../../contracts/videos.ts';

/** The fields of the origin's video answer (contracts/videos.ts) the CLI reads. */
export type VideoView = Pick<ApiVideoView, 'id' | 'title' | 'channelId' | 'chatRoom' | 'visibility' | 'state' | 'progress' | 'durationSeconds' | 'failureReason' | 'source' | 'playback' | 'renditions' | 'shieldPurges' | 'createdAt' | 'updatedAt'>;
