import { z } from 'zod';

/** Every non-2xx JSON answer of the edge, the origin and a chat room: a stable machine code plus a sentence for people. */
export const ApiErrorBody = z.object({
  error: z.object({ code: z.string().min(1), message: z.string() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/**
 * The code of an error answer when the refusal names none more precise (`video_failed`, `invalid_token`…):
 * one table, by HTTP status, for every part that answers HTTP.
 */
export const ERROR_CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  422: 'invalid',
  426: 'upgrade_required',
  429: 'rate_limited',
  // TUS checksum extension: the body does not match its Upload-Checksum.
  460: 'checksum_mismatch',
  500: 'internal',
  // The storage (MinIO) is out of space: retry once it is freed.
  507: 'storage_full',
};

export function errorCodeFor(status: number): string {
  return ERROR_CODE_BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'error');
}

export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/**
 * A video that has nothing to play: the gateway's codes (origin `/media/{id}/master.m3u8`, 409) and the
 * edge's answer to a viewer (409 `not_playable_yet` with Retry-After; the watch page waits and retries).
 */
export const PLAYABILITY_CODE = {
  /** The gateway: the video exists but no rendition is published yet (PROCESSING, or still uploading). */
  gatewayNotReady: 'not_ready',
  /** The edge, to a viewer: the same, said for players. */
  notPlayableYet: 'not_playable_yet',
  /** Both: the video FAILED and will never play. */
  failed: 'video_failed',
  /** The edge, to a viewer of a live input: no broadcast to play yet (the player asks again after Retry-After). */
  streamOffline: 'stream_offline',
} as const;

/** Why a playback token (or the key set that checks it) was refused, by the status of the refusal. */
export const PLAYBACK_REFUSAL_CODE = { 401: 'invalid_token', 403: 'playback_denied', 503: 'bad_playback_keys' } as const;

/** The token of an `Authorization: Bearer …` header, or null when the header is absent or not of that form. */
export function bearerToken(header: string | undefined | null): string | null {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1] ?? null;
}
