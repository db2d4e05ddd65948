/**
 * Purging a deleted video from the origin shield: the origin sends `BAN /media/{videoId}/` to every shield,
 * signed as a pull (contracts/pull-signing.ts, method BAN) and from an address in the shield's `purgers` ACL;
 * the shield (shield/vcl.ts) drops every object whose path starts with it and answers 200 `{"status":"banned"}`.
 */
import { ID_CHARS, MAX_ID_LENGTH } from './ids.ts';

export const PURGE_METHOD = 'BAN';

/** The one path a purge names: a whole video's folder (never `/media/`, which would drop every video). */
export function purgePath(videoId: string): string {
  return `/media/${videoId}/`;
}

/** What the shield accepts as a purge path (a VCL regex: the same alphabet and bound as every id). */
export const PURGE_PATH_REGEX = `^/media/${ID_CHARS}{1,${MAX_ID_LENGTH}}/$`;
