import { z } from 'zod';
import { SpokenLanguage } from '../../../contracts/channel-config.ts';
import { ChannelSlug, VideoChatRoom, VideoVisibility } from '../../../contracts/channels.ts';
import { ChannelId, VideoId } from '../../../contracts/ids.ts';

/** `POST /v1/videos`. Unknown fields are refused, so a typo (`titel`) is a 400, not silently lost. */
export const CreateVideoBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  /** A channel made with `POST /v1/channels` (an unknown one is a 422). */
  channelId: ChannelSlug.optional(),
  /** The room its watch page joins; by default its channel's (its own when it has no channel). */
  chatRoom: VideoChatRoom.default('channel'),
  /** `public` lists it on its channel's page; `unlisted` (default) plays only through signed links. */
  visibility: VideoVisibility.default('unlisted'),
  /** Longer sources FAIL at probe time (at most 24 h). */
  maxDurationSeconds: z.number().int().positive().max(24 * 3600).optional(),
  /** Automatic captions for this upload, whatever its channel says: on (in `language`, else the channel's, else en) or off. */
  autoCaptions: z.strictObject({ enabled: z.boolean(), language: SpokenLanguage.optional() }).optional(),
});
export type CreateVideoBody = z.infer<typeof CreateVideoBody>;

/** `PATCH /v1/videos/:id`: only the fields given change; `channelId: null` takes the video out of its channel. */
export const UpdateVideoBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5000).optional(),
    channelId: ChannelSlug.nullable().optional(),
    chatRoom: VideoChatRoom.optional(),
    visibility: VideoVisibility.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one of title, description, channelId, chatRoom, visibility');
export type UpdateVideoBody = z.infer<typeof UpdateVideoBody>;

/** `GET /v1/videos?limit=&cursor=&channelId=`. */
export const ListVideosQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
  channelId: ChannelId.optional(),
});

/** Video ids are ours (`vid_…`), but any path text arrives here: bound it before it reaches SQL or S3. */
export const VideoIdParam = z.object({ id: VideoId });
