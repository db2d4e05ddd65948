import type { VideoState } from '../videos/states.ts';
import { refuse, type GateAnswer } from './upload-gate.ts';

/** A grant as looked up with its video (null: no grant has this token). */
export interface GrantRecord {
  videoId: string;
  expiresAt: Date;
  usedAt: Date | null;
  videoState: VideoState;
}

/** Whether a creation URL may start an upload now: 401 for no/used/expired grants, 409 when the video has one already. */
export function judgeGrant(record: GrantRecord | null, now: Date): GateAnswer<{ owner: string }> {
  if (!record) return refuse(401, 'this upload URL is not valid (unknown grant): use the upload.url that POST /v1/videos returned, unchanged');
  const renew = `POST /v1/videos/${record.videoId}/upload-url issues a new one while the video has no upload`;
  if (record.usedAt !== null) return refuse(401, `this upload URL was used already (it is single-use); ${renew}`);
  if (record.expiresAt.getTime() <= now.getTime()) return refuse(401, `this upload URL expired at ${record.expiresAt.toISOString()}; ${renew}`);
  if (record.videoState !== 'CREATED') return refuse(409, conflictMessage(record.videoId, record.videoState));
  return { ok: true, value: { owner: record.videoId } };
}

export function conflictMessage(videoId: string, state: VideoState): string {
  return `video ${videoId} is ${state}: it has an upload already; create a new video to upload another file`;
}
