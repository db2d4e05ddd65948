import type { RenditionView, ShieldPurgeView, VideoView } from '../../../contracts/videos.ts';
import type { Rendition } from '../db/renditions.ts';
import type { ShieldPurge } from '../db/shield-purges.ts';
import type { Video } from '../db/videos.ts';

/** Source fields kept out of API answers: where the raw bytes sit is the origin's business. */
const internalSourceFields = new Set(['bucket', 'key', 'uploadId']);

/** Playback exists once the lowest rendition is published. */
const playableStates = new Set(['PLAYABLE', 'READY']);

/**
 * The JSON of one video; `renditions` only on single-video reads (a list would cost one query per row). `publicUrl`
 * is the origin's own (the API and the private gateway under `/media`).
 */
export function videoView(video: Video, publicUrl: string, renditions?: Rendition[]): VideoView {
  const source = video.source === null ? null : Object.fromEntries(Object.entries(video.source).filter(([field]) => !internalSourceFields.has(field)));
  return {
    id: video.id,
    title: video.title,
    description: video.description,
    channelId: video.channelId,
    chatRoom: video.chatRoom,
    visibility: video.visibility,
    state: video.state,
    progress: video.progress,
    durationSeconds: video.durationSeconds,
    maxDurationSeconds: video.maxDurationSeconds,
    source,
    failureReason: video.failureReason,
    thumbnailUrl: video.thumbnailKey && video.state !== 'DELETED' ? `${publicUrl}/media/${video.thumbnailKey}` : null,
    playback: playableStates.has(video.state) ? { tokenUrl: `${publicUrl}/v1/videos/${video.id}/token` } : null,
    ...(renditions === undefined ? {} : { renditions: renditions.map(renditionView) }),
    createdAt: video.createdAt.toISOString(),
    updatedAt: video.updatedAt.toISOString(),
  };
}

function renditionView(rendition: Rendition): RenditionView {
  return {
    name: rendition.name,
    width: rendition.width,
    height: rendition.height,
    bandwidth: rendition.bandwidth,
    averageBandwidth: rendition.averageBandwidth,
    codecs: rendition.codecs,
    frameRate: rendition.frameRate,
    publishedAt: rendition.publishedAt.toISOString(),
  };
}

/** A deleted video's purge from one shield: what was tried, and when the origin tries again while it is pending. */
export function shieldPurgeView(purge: ShieldPurge): ShieldPurgeView {
  return {
    shield: purge.shield,
    state: purge.state,
    attempts: purge.attempts,
    lastError: purge.state === 'done' ? null : purge.lastError,
    nextAttemptAt: purge.state === 'pending' ? purge.nextAttemptAt.toISOString() : null,
    requestedAt: purge.requestedAt.toISOString(),
  };
}

/** The one-time TUS creation URL handed out with a new video: the grant is its only credential. */
export function uploadUrl(publicUrl: string, grantToken: string): string {
  return `${publicUrl}/v1/uploads?grant=${encodeURIComponent(grantToken)}`;
}
