import type { VideoState } from '../videos/states.ts';

/** A refused upload request: @tus/server answers `status` with `message`, and routes.ts turns it into our JSON error shape. */
export interface UploadRefusal {
  status: 401 | 403 | 404 | 409 | 410 | 503 | 507;
  message: string;
}

const renewal = (videoId: string) => `POST /v1/videos/${videoId}/upload-url issues a new one while the video has no upload`;

/**
 * Every refusal of the upload path, by name, like @tus/server's `ERRORS` (which keeps the protocol's own:
 * 413 over the size limit, 412 a wrong Tus-Resumable, 409 a wrong offset…). 401 is a missing or spent
 * credential, 409 a video that has its upload already, 404 an upload id that names no video.
 */
export const UPLOAD_REFUSALS = {
  noGrant: () => ({ status: 401, message: 'this upload URL has no grant: use the upload.url that POST /v1/videos returned' }),
  unknownGrant: () => ({ status: 401, message: 'this upload URL is not valid (unknown grant): use the upload.url that POST /v1/videos returned, unchanged' }),
  usedGrant: (videoId: string) => ({ status: 401, message: `this upload URL was used already (it is single-use); ${renewal(videoId)}` }),
  expiredGrant: (videoId: string, expiresAt: Date) => ({ status: 401, message: `this upload URL expired at ${expiresAt.toISOString()}; ${renewal(videoId)}` }),
  /** The grant was checked when the upload was named, and is gone by the time it is claimed (a concurrent creation won). */
  grantGoneAtClaim: (reason: 'unknown' | 'used' | 'expired') => ({ status: 401, message: `this upload URL cannot be used: it is ${reason === 'unknown' ? 'not valid' : reason}` }),
  grantOfAnotherVideo: () => ({ status: 401, message: 'this upload URL belongs to another video' }),
  uncheckedCreation: () => ({ status: 401, message: 'upload creation without a checked grant' }),
  videoHasUpload: (videoId: string, state: VideoState) => ({ status: 409, message: `video ${videoId} is ${state}: it has an upload already; create a new video to upload another file` }),
  unknownUpload: (uploadId: string) => ({ status: 404, message: `no upload ${uploadId}` }),
  /** MinIO (or its disk) refused the write for want of space: nothing past the reported offset was kept. */
  storageFull: () => ({
    status: 507,
    message: 'the storage is full: MinIO refused to write the upload (no space left). The bytes before the offset HEAD reports are kept: resume the upload once the operator has freed space',
  }),
} as const satisfies Record<string, (...args: never[]) => UploadRefusal>;

// MinIO's words for a full disk: its own error code (minimum free drive threshold) or the OS error it wraps in a 500.
const storageFullPattern = /no space left on device|XMinioStorageFull|InsufficientStorage|minimum free drive threshold|disk quota exceeded/i;

/** Whether an S3 failure (or any error it caused) says the storage is out of space. Pure. */
export function isStorageFull(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    if (typeof cause !== 'object') return false;
    const { name, message, Code, $metadata } = cause as { name?: unknown; message?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
    if ($metadata?.httpStatusCode === 507) return true;
    if ([name, message, Code].some((text) => typeof text === 'string' && storageFullPattern.test(text))) return true;
  }
  return false;
}

// A write the storage cut off mid-body: MinIO answers a full disk early and closes the socket while the part is still
// being sent, so its reason is lost and only the reset is seen.
const droppedWriteCodes = new Set(['ECONNRESET', 'EPIPE']);

/** Whether an S3 failure (or its cause) is the storage dropping a write in progress, reason unknown. Pure. */
export function isDroppedWrite(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    if (typeof cause !== 'object') return false;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && droppedWriteCodes.has(code)) return true;
    if (typeof message === 'string' && /\b(write|read) (ECONNRESET|EPIPE)\b|socket hang up/.test(message)) return true;
  }
  return false;
}
