import type { S3Client } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Sql } from '../db/index.ts';
import { autoCaptionsOf } from '../auto-captions/auto-captions-view.ts';
import { requestAutoCaptions } from '../db/auto-captions.ts';
import { listRenditions } from '../db/renditions.ts';
import { shieldPurgesOf } from '../db/shield-purges.ts';
import { issueUploadGrant } from '../db/upload-grants.ts';
import { createVideo, getVideo, InvalidCursorError, listVideos, transitionVideo, updateVideoSettings } from '../db/videos.ts';
import { channelExists } from '../channels/channel-rows.ts';
import { newVideoEvent, type VideoEventPublisher } from '../events/video-events.ts';
import { VIDEO_STATES } from '../videos/states.ts';
import { ApiError } from './errors.ts';
import type { ShieldPurgeOutbox } from '../shield/purge-outbox.ts';
import { deleteVideoObjects, type MediaBuckets } from './media-objects.ts';
import { CreateVideoBody, ListVideosQuery, UpdateVideoBody, VideoIdParam } from './video-schemas.ts';
import { shieldPurgeView, uploadUrl, videoView } from './video-view.ts';
import { validate } from './validate.ts';

export interface VideoRoutesDeps {
  sql: Sql;
  s3: S3Client;
  buckets: MediaBuckets;
  events: VideoEventPublisher;
  log: Logger;
  /** Base of the URLs handed out (upload URLs, thumbnails, playlists), e.g. http://127.0.0.1:8080. */
  publicUrl: string;
  grantTtlSeconds: number;
  /** Stops `video-{id}` if it runs; a missing workflow is not an error. */
  stopTranscode?: (videoId: string) => Promise<void>;
  /** Drops a deleted video from every origin shield (VORA_SHIELD_URLS), retried until each acknowledges; absent where there is no shield. */
  shieldPurges?: ShieldPurgeOutbox;
}

const deletableStates = VIDEO_STATES.filter((state) => state !== 'DELETED');

export const noVideo = (id: string) => new ApiError(404, `no video ${id}`);

/** A video may only name a channel that exists (a typo would otherwise make a room nobody else joins). */
async function requireChannel(sql: Sql, channelId: string | null | undefined): Promise<void> {
  if (channelId == null || (await channelExists(sql, channelId))) return;
  throw new ApiError(422, `channel ${channelId} does not exist: create it first with \`vora channels create ${channelId} --title …\``, { fields: { path: '/channelId' } });
}

/** `/v1/videos`: create (with a one-time upload URL), list, read, delete. Operator auth is applied by the caller. */
export function videoRoutes(deps: VideoRoutesDeps): Hono {
  const { sql, log } = deps;
  // Read per request: the public URL may be known only once the server listens (port 0 in tests).
  const app = new Hono();

  app.post('/', validate('json', CreateVideoBody), async (c) => {
    const body = c.req.valid('json');
    await requireChannel(sql, body.channelId);
    const { video, grant } = await sql.transaction(async (tx) => {
      const created = await createVideo(tx, body);
      if (body.autoCaptions) await requestAutoCaptions(tx, created.id, body.autoCaptions);
      return { video: created, grant: await issueUploadGrant(tx, created.id, { ttlSeconds: deps.grantTtlSeconds }) };
    });
    log.info({ event: 'video_created', videoId: video.id }, 'video created');
    await deps.events.publish(newVideoEvent(video.id, 'CREATED', { at: video.createdAt }));
    const upload = { url: uploadUrl(deps.publicUrl, grant.token), expiresAt: grant.expiresAt.toISOString() };
    return c.json({ ...videoView(video, deps.publicUrl), upload }, 201, { Location: `${deps.publicUrl}/v1/videos/${video.id}` });
  });

  app.get('/', validate('query', ListVideosQuery), async (c) => {
    const query = c.req.valid('query');
    try {
      const page = await listVideos(sql, query);
      return c.json({ videos: page.videos.map((video) => videoView(video, deps.publicUrl)), nextCursor: page.nextCursor });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new ApiError(400, error.message);
      throw error;
    }
  });

  app.get('/:id', validate('param', VideoIdParam), async (c) => {
    const { id } = c.req.valid('param');
    const video = await getVideo(sql, id);
    if (!video) throw noVideo(id);
    const purges = video.state === 'DELETED' ? await shieldPurgesOf(sql, id) : [];
    return c.json({
      ...videoView(video, deps.publicUrl, await listRenditions(sql, id)),
      autoCaptions: await autoCaptionsOf(sql, id),
      ...(purges.length > 0 ? { shieldPurges: purges.map(shieldPurgeView) } : {}),
    });
  });

  /** Title, description, channel and chat room; the rest of a video is the pipeline's to change. */
  app.patch('/:id', validate('param', VideoIdParam), validate('json', UpdateVideoBody), async (c) => {
    const { id } = c.req.valid('param');
    const changes = c.req.valid('json');
    await requireChannel(sql, changes.channelId);
    const video = await updateVideoSettings(sql, id, changes);
    if (!video) throw noVideo(id);
    log.info({ event: 'video_updated', videoId: id, fields: Object.keys(changes) }, 'video settings changed');
    return c.json(videoView(video, deps.publicUrl));
  });

  /** A fresh one-time upload URL, while nothing was uploaded yet (the first one expired or got lost). */
  app.post('/:id/upload-url', validate('param', VideoIdParam), async (c) => {
    const { id } = c.req.valid('param');
    const video = await getVideo(sql, id);
    if (!video) throw noVideo(id);
    if (video.state !== 'CREATED') throw new ApiError(409, `video ${id} is ${video.state}: an upload exists already; create a new video to upload another file`);
    const grant = await issueUploadGrant(sql, id, { ttlSeconds: deps.grantTtlSeconds });
    return c.json({ url: uploadUrl(deps.publicUrl, grant.token), expiresAt: grant.expiresAt.toISOString() }, 201);
  });

  /**
   * Idempotent: the state moves to DELETED once, and every call removes whatever objects are left. The purges of
   * the shields are recorded with the state change and tried at once; a shield that did not acknowledge is retried
   * in the background (the answer lists it as pending), and a repeated DELETE purges every shield again.
   */
  app.delete('/:id', validate('param', VideoIdParam), async (c) => {
    const { id } = c.req.valid('param');
    const moved = await sql.transaction(async (tx) => {
      const result = await transitionVideo(tx, id, deletableStates, 'DELETED');
      if (result.ok) await deps.shieldPurges?.request(tx, id);
      return result;
    });
    if (!moved.ok && moved.reason === 'not-found') throw noVideo(id);
    if (moved.ok) {
      log.info({ event: 'video_deleted', videoId: id }, 'video deleted');
      await deps.events.publish(newVideoEvent(id, 'DELETED'));
      await deps.stopTranscode?.(id).catch((error: unknown) => log.warn({ event: 'transcode_stop_failed', videoId: id, err: error }, 'could not stop the transcode workflow'));
    } else {
      await deps.shieldPurges?.request(sql, id);
    }
    try {
      const removed = await deleteVideoObjects(deps.s3, deps.buckets, id);
      log.info({ event: 'video_objects_deleted', videoId: id, ...removed }, 'video objects removed');
    } catch (error) {
      log.error({ event: 'video_objects_delete_failed', videoId: id, err: error }, 'could not remove video objects');
      throw new ApiError(503, `video ${id} is DELETED but its objects could not be removed (${(error as Error).message}); is MinIO up? Repeat the DELETE to finish`);
    }
    // After the objects are gone, so that a shield's next fetch of the video finds nothing to keep.
    const purges = (await deps.shieldPurges?.purgeNow(id)) ?? [];
    const video = await getVideo(sql, id);
    return c.json({ ...videoView(video!, deps.publicUrl), ...(purges.length > 0 ? { shieldPurges: purges.map(shieldPurgeView) } : {}) });
  });

  return app;
}
