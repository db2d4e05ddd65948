import { ApiErrorBody, PLAYABILITY_CODE } from '../../../contracts/http.ts';

/** What the edge tells a viewer when the origin gateway refuses: a status, a code, a sentence, maybe headers. */
export interface OriginRefusal {
  status: 400 | 404 | 409 | 502 | 503 | 504;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** Longest wait the edge tells a player to take before asking again for a video that is still processing. */
export const MAX_RETRY_AFTER_SECONDS = 30;
const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** The origin's Retry-After (seconds form only), kept within 1..MAX_RETRY_AFTER_SECONDS. */
export function boundedRetryAfter(header: string | null): number {
  const seconds = /^\s*\d{1,6}\s*$/.test(header ?? '') ? Number(header) : DEFAULT_RETRY_AFTER_SECONDS;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds));
}

/**
 * Pure: the viewer's answer for a non-200 from the gateway. A 409 naming a video with nothing published yet
 * is the viewer's 409 `not_playable_yet` (with Retry-After), a FAILED video's 409 stays `video_failed`; any
 * other status (or a 409 without the gateway's error body) is the origin failing: 502.
 */
export function originRefusal(path: string, status: number, body: unknown, retryAfter: string | null): OriginRefusal {
  if (status === 404) return { status: 404, code: 'not_found', message: `the origin has no ${path}` };
  const parsed = status === 409 ? ApiErrorBody.safeParse(body) : null;
  if (parsed?.success && parsed.data.error.code === PLAYABILITY_CODE.gatewayNotReady) {
    const seconds = boundedRetryAfter(retryAfter);
    return {
      status: 409,
      code: PLAYABILITY_CODE.notPlayableYet,
      message: `this video is still processing and has nothing to play yet: try again in ${seconds} s (${parsed.data.error.message})`,
      headers: { 'Retry-After': String(seconds), 'Cache-Control': 'no-store' },
    };
  }
  if (parsed?.success && parsed.data.error.code === PLAYABILITY_CODE.failed) {
    return { status: 409, code: PLAYABILITY_CODE.failed, message: parsed.data.error.message, headers: { 'Cache-Control': 'no-store' } };
  }
  if (status === 401 || status === 403) {
    return { status: 502, code: 'origin_refused_pull', message: `the origin refused the edge's pull of ${path} (${status}): give the edge the origin's VORA_PULL_SECRET as PULL_SECRET` };
  }
  return { status: 502, code: 'origin_error', message: `the origin answered ${status} for ${path}` };
}

/** How often a waiting live page asks again: about one segment. */
export const OFFLINE_RETRY_AFTER_SECONDS = 2;

/**
 * Pure: the viewer's answer when the gateway has no master for a live input (never published, or a deleted
 * input): 409 `stream_offline` with Retry-After, so the watch page waits and starts by itself. Other refusals as for VOD.
 */
export function liveMasterRefusal(refusal: OriginRefusal): OriginRefusal {
  if (refusal.status !== 404) return refusal;
  return {
    status: 409,
    code: PLAYABILITY_CODE.streamOffline,
    message: `this live stream is offline: nothing has been broadcast yet; try again in ${OFFLINE_RETRY_AFTER_SECONDS} s`,
    headers: { 'Retry-After': String(OFFLINE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
  };
}

/**
 * Pure: the viewer's answer when the gateway refuses a blocking playlist reload (`_HLS_msn`/`_HLS_part`). Its 400
 * (a request too far ahead, RFC 8216bis §6.2.5.2) is the player's own mistake and passes through with the gateway's
 * sentence; its 503 (the part did not appear within the hold) passes through so the player simply asks again.
 * Anything else as for any playlist.
 */
export function blockingReloadRefusal(path: string, status: number, body: unknown, retryAfter: string | null): OriginRefusal {
  const parsed = ApiErrorBody.safeParse(body);
  const said = parsed.success ? `: ${parsed.data.error.message}` : '';
  if (status === 400) {
    return { status: 400, code: parsed.success ? parsed.data.error.code : 'bad_request', message: `the origin refused the blocking reload of ${path}${said}`, headers: { 'Cache-Control': 'no-store' } };
  }
  if (status === 503) {
    return {
      status: 503,
      code: 'reload_timeout',
      message: `the origin held the blocking reload of ${path} and the requested part did not appear in time${said}; ask again`,
      headers: { 'Cache-Control': 'no-store', 'Retry-After': String(Math.min(boundedRetryAfter(retryAfter), 2)) },
    };
  }
  return originRefusal(path, status, body, retryAfter);
}
