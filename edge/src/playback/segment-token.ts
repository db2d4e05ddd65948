import { ID_CHARS, ID_PATTERN, MAX_ID_LENGTH } from '../../../contracts/ids.ts';
import { md5, toBase64Url } from './md5.ts';

/**
 * Segment tokens, checked by the CDN node's nginx alone (http_secure_link_module, no njs):
 *   st = base64url(md5("{expires}{prefix} {secret}")) without padding, e = expires (unix seconds),
 * where prefix is `/media/{videoId}/`, or `/media/live/{inputId}/` for a live input. nginx derives the prefix
 * from the requested URI, so one token serves every segment and init segment of that video or live input (all
 * renditions, every broadcast), and nothing else.
 */

export const SEGMENT_TOKEN_PARAMS = { signature: 'st', expires: 'e' } as const;

const SECRET = /^[A-Za-z0-9_-]{16,128}$/;

/** The folder under /media/ that holds live inputs (origin/src/live/live-gateway.ts); never a video id. */
export const LIVE_MEDIA_FOLDER = 'live';

export function segmentTokenPrefix(videoId: string, options: { live?: boolean } = {}): string {
  if (!ID_PATTERN.test(videoId)) throw new Error(`video id ${JSON.stringify(videoId)} cannot be signed: use 1-${MAX_ID_LENGTH} characters of A-Z, a-z, 0-9, _ or -`);
  if (options.live) return `/media/${LIVE_MEDIA_FOLDER}/${videoId}/`;
  // A token for "video" `live` would cover no live input (nginx reads /media/live/{id}/ for those), but say so plainly.
  if (videoId === LIVE_MEDIA_FOLDER) throw new Error(`"${LIVE_MEDIA_FOLDER}" is the live inputs' folder, not a video id`);
  return `/media/${videoId}/`;
}

export function assertSegmentTokenSecret(secret: string): void {
  // The secret is pasted into nginx.conf between quotes: no quotes, `$`, spaces or semicolons.
  if (!SECRET.test(secret)) throw new Error('segment token secret must be 16-128 characters of A-Z, a-z, 0-9, _ or - (set SEGMENT_TOKEN_SECRET to e.g. `openssl rand -hex 32`)');
}

export interface SegmentToken {
  /** `st=…&e=…`, to append after `?` (or `&`) to every segment URL of the video. */
  query: string;
  expires: number;
  prefix: string;
}

/** Signs a token for every file under `/media/{videoId}/` (`/media/live/{videoId}/` when `live`), valid until `expires` (unix seconds). */
export function signSegmentToken(input: { videoId: string; expires: number; secret: string; live?: boolean }): SegmentToken {
  assertSegmentTokenSecret(input.secret);
  if (!Number.isSafeInteger(input.expires) || input.expires <= 0) throw new Error(`segment token expiry must be a positive integer of unix seconds, got ${input.expires}`);
  const prefix = segmentTokenPrefix(input.videoId, { live: input.live });
  const signature = toBase64Url(md5(`${input.expires}${prefix} ${input.secret}`));
  return { query: `${SEGMENT_TOKEN_PARAMS.signature}=${signature}&${SEGMENT_TOKEN_PARAMS.expires}=${input.expires}`, expires: input.expires, prefix };
}

/**
 * Expiry (unix seconds) that outlives watching the whole playlist: its duration plus slack for pauses
 * and seeks, at least `minTtlSeconds`. Rounded up to the minute so near-simultaneous viewers share URLs.
 */
export function segmentTokenExpiry(nowMs: number, playlistSeconds: number, options: { minTtlSeconds?: number; slackSeconds?: number } = {}): number {
  const ttl = Math.max(options.minTtlSeconds ?? 900, Math.ceil(playlistSeconds) + (options.slackSeconds ?? 1800));
  return Math.ceil((Math.floor(nowMs / 1000) + ttl) / 60) * 60;
}

/**
 * Goes in nginx's `http {}` block: the token's path prefix, `/media/{videoId}/` or `/media/live/{inputId}/`,
 * from the request URI. nginx tries map regexes in order: the live one first, so `/media/live/` alone is never a prefix.
 */
export const NGINX_SEGMENT_TOKEN_HTTP_SNIPPET = `# Segment tokens (edge/src/playback/segment-token.ts): a token covers /media/{videoId}/ or /media/live/{inputId}/.
map $uri $vora_token_prefix {
  "~^(?<vora_token_live>/media/${LIVE_MEDIA_FOLDER}/${ID_CHARS}{1,${MAX_ID_LENGTH}}/)" $vora_token_live;
  "~^/media/${LIVE_MEDIA_FOLDER}/" "";
  "~^(?<vora_token_p>/media/${ID_CHARS}{1,${MAX_ID_LENGTH}}/)" $vora_token_p;
  default "";
}`;

/** Goes in `location /media/ {}`; {{SEGMENT_TOKEN_SECRET}} is filled by renderNginxSegmentTokenSnippet. */
export const NGINX_SEGMENT_TOKEN_LOCATION_SNIPPET = `# Bad or missing token → 403, expired → 410 (the player should fetch a fresh playlist).
secure_link $arg_${SEGMENT_TOKEN_PARAMS.signature},$arg_${SEGMENT_TOKEN_PARAMS.expires};
secure_link_md5 "$secure_link_expires$vora_token_prefix {{SEGMENT_TOKEN_SECRET}}";
if ($vora_token_prefix = "") { return 403; }
if ($secure_link = "") { return 403; }
if ($secure_link = "0") { return 410; }`;

/** Both snippets with the secret filled in (validated so it cannot break out of the quotes). */
export function renderNginxSegmentTokenSnippet(secret: string): { http: string; location: string } {
  assertSegmentTokenSecret(secret);
  return { http: NGINX_SEGMENT_TOKEN_HTTP_SNIPPET, location: NGINX_SEGMENT_TOKEN_LOCATION_SNIPPET.replace('{{SEGMENT_TOKEN_SECRET}}', secret) };
}
