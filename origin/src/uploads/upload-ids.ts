import { randomBytes } from 'node:crypto';
import { ID_CHARS, ID_PATTERN, MAX_ID_LENGTH } from '../../../contracts/ids.ts';

/**
 * An upload's id is `{owner}.{32 hex}`: the owner (a video id) says whose file it is, the random
 * part makes the upload URL unguessable (it is the only credential of PATCH/HEAD after creation).
 * It is also the object key in the raw bucket; TUS keeps `{id}.info` and `{id}.part` beside it.
 */
export function newUploadId(owner: string): string {
  if (!ID_PATTERN.test(owner)) throw new Error(`upload owner "${owner}" must be 1-${MAX_ID_LENGTH} characters of A-Z a-z 0-9 _ -`);
  return `${owner}.${randomBytes(16).toString('hex')}`;
}

const UPLOAD_ID = new RegExp(`^(${ID_CHARS}{1,${MAX_ID_LENGTH}})\\.[0-9a-f]{32}$`);

/** The owner of an upload id made by `newUploadId`, or null for any other text. */
export function ownerOfUpload(uploadId: string): string | null {
  const match = UPLOAD_ID.exec(uploadId);
  return match ? match[1]! : null;
}

/** Every raw-bucket key of one owner's uploads (the file and TUS's companions) starts with this. */
export function rawKeyPrefix(owner: string): string {
  return `${owner}.`;
}
