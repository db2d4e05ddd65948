import type { VideoState } from '../videos/states.ts';
import { UPLOAD_REFUSALS } from './refusals.ts';
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
  if (!record) return refuse(UPLOAD_REFUSALS.unknownGrant());
  if (record.usedAt !== null) return refuse(UPLOAD_REFUSALS.usedGrant(record.videoId));
  if (record.expiresAt.getTime() <= now.getTime()) return refuse(UPLOAD_REFUSALS.expiredGrant(record.videoId, record.expiresAt));
  if (record.videoState !== 'CREATED') return refuse(UPLOAD_REFUSALS.videoHasUpload(record.videoId, record.videoState));
  return { ok: true, value: { owner: record.videoId } };
}
