/** Signature algorithms of every Vora token (playback and chat); pinned so `none` and HMAC-with-a-public-key never verify. */
export const TOKEN_ALGORITHMS = ['ES256', 'RS256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** Tokens longer than this are refused before any parsing: a signer must stay below it. */
export const MAX_TOKEN_CHARS = 8 * 1024;

/** Clock skew the edge tolerates on `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 30;
