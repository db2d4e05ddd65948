/**
 * Signed pulls from the origin's streaming gateway (`/media/*`). Whoever pulls media upstream — the shield,
 * a CDN node, the edge — sends two headers:
 *   X-Vora-Pull-Expires: unix seconds      X-Vora-Pull-Signature: hex(HMAC-SHA256(secret, "{METHOD}\n{path}\n{expires}"))
 * with the pull secret shared by the origin, the shield, the nodes and the edge (VORA_PULL_SECRET).
 * HEAD is signed as GET (caches turn a HEAD into a GET upstream). The path is the URL's path without its query.
 * The same text is computed by nginx (edge/cdn-node/pull-signer.js) and Varnish (stack/shield/vcl.ts).
 */

export const PULL_HEADERS = { expires: 'x-vora-pull-expires', signature: 'x-vora-pull-signature' } as const;

/** How long a signer makes its pulls valid: long enough for a slow hop, short enough that a leaked header is soon useless. */
export const PULL_TTL_SECONDS = 60;
/** The gateway refuses an expiry further ahead than this: a signature cannot be minted to last. */
export const MAX_PULL_TTL_SECONDS = 300;
/** Clock skew tolerated between the signer and the gateway. */
export const PULL_CLOCK_TOLERANCE_SECONDS = 30;

/** The secret is pasted into nginx.conf and the VCL between quotes: base64url only. */
export const PULL_SECRET_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function assertPullSecret(secret: string): void {
  if (!PULL_SECRET_PATTERN.test(secret)) {
    throw new Error('the pull secret must be 16-128 characters of A-Z, a-z, 0-9, _ or - (set VORA_PULL_SECRET to e.g. `openssl rand -hex 32`)');
  }
}

/** The method a pull is signed for: HEAD counts as GET. */
export function pullMethod(method: string): string {
  const upper = method.toUpperCase();
  return upper === 'HEAD' ? 'GET' : upper;
}

/** The exact text that is signed. */
export function pullMessage(input: { method: string; path: string; expires: number }): string {
  return `${pullMethod(input.method)}\n${input.path}\n${input.expires}`;
}

const encoder = new TextEncoder();

/** Lower-case hex HMAC-SHA256 of `message`: WebCrypto here (Workers and Node alike); a Node caller may pass node:crypto's. */
export type HmacSha256Hex = (secret: string, message: string) => string | Promise<string>;

async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The signature of one pull (lower-case hex). */
export function signPull(input: { method: string; path: string; expires: number; secret: string }): Promise<string> {
  return hmacSha256Hex(input.secret, pullMessage(input));
}

/** The two headers of a pull of `path`, valid for `ttlSeconds` from `nowSeconds`. */
export async function pullHeaders(input: { method: string; path: string; secret: string; nowSeconds: number; ttlSeconds?: number }): Promise<Record<string, string>> {
  const expires = input.nowSeconds + (input.ttlSeconds ?? PULL_TTL_SECONDS);
  const signature = await signPull({ method: input.method, path: input.path, expires, secret: input.secret });
  return { [PULL_HEADERS.expires]: String(expires), [PULL_HEADERS.signature]: signature };
}

export type PullVerdict = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

const refuse = (status: 401 | 403, code: string, message: string): PullVerdict => ({ ok: false, status, code, message });

/** Equal-length strings compared without an early exit, so the time taken says nothing about the signature. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Checks a pull's headers against the secret and the clock; the refusal says what is wrong and how to fix it. */
export async function verifyPull(input: {
  method: string;
  path: string;
  expires: string | null | undefined;
  signature: string | null | undefined;
  secret: string;
  nowSeconds: number;
  /** The HMAC to check with; WebCrypto by default. The gateway passes node:crypto's, which answers without a thread-pool hop. */
  hmac?: HmacSha256Hex;
}): Promise<PullVerdict> {
  if (!input.expires && !input.signature) {
    return refuse(401, 'unsigned_pull', 'media is private: pull it through a CDN node or the shield, sign it with VORA_PULL_SECRET (headers X-Vora-Pull-Expires and X-Vora-Pull-Signature), or send "Authorization: Bearer <API token>"');
  }
  if (!input.expires || !/^\d{1,12}$/.test(input.expires) || !input.signature || !/^[0-9a-f]{64}$/i.test(input.signature)) {
    return refuse(401, 'bad_pull_signature', 'a signed pull needs X-Vora-Pull-Expires (unix seconds) and X-Vora-Pull-Signature (64 hex characters of HMAC-SHA256)');
  }
  const expires = Number(input.expires);
  if (expires < input.nowSeconds - PULL_CLOCK_TOLERANCE_SECONDS) {
    return refuse(401, 'expired_pull', `this signed pull expired ${input.nowSeconds - expires} s ago: sign each pull afresh (is the signer's clock right?)`);
  }
  if (expires > input.nowSeconds + MAX_PULL_TTL_SECONDS + PULL_CLOCK_TOLERANCE_SECONDS) {
    return refuse(403, 'pull_expiry_too_far', `a signed pull may be valid for at most ${MAX_PULL_TTL_SECONDS} s; this one expires in ${expires - input.nowSeconds} s`);
  }
  const expected = await (input.hmac ?? hmacSha256Hex)(input.secret, pullMessage({ method: input.method, path: input.path, expires }));
  if (!constantTimeEqual(expected, input.signature.toLowerCase())) {
    return refuse(401, 'bad_pull_signature', `the pull signature does not match ${pullMethod(input.method)} ${input.path}: the signer's VORA_PULL_SECRET differs from the origin's, or the request was altered`);
  }
  return { ok: true };
}
