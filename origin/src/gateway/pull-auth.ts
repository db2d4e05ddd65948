import { createHmac } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { hasScope } from '../../../contracts/api-tokens.ts';
import { bearerToken } from '../../../contracts/http.ts';
import { PULL_HEADERS, verifyPull, type HmacSha256Hex } from '../../../contracts/pull-signing.ts';
import type { VerifyToken } from '../api/auth.ts';
import { ApiError } from '../api/errors.ts';

export interface PullAuthOptions {
  /** VORA_PULL_SECRET; without it only operators (API token) can read media. */
  secret?: string;
  /** Operators may read media with their API token, for debugging. */
  verifyOperatorToken?: VerifyToken;
  now?: () => number;
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="vora-media"' };

// Synchronous: WebCrypto would import the key and sign on the thread pool, two hops per segment on a busy machine.
const nodeHmacSha256Hex: HmacSha256Hex = (secret, message) => createHmac('sha256', secret).update(message).digest('hex');

/**
 * The private gateway's door: a request passes with a valid signed pull (contracts/pull-signing.ts)
 * or an operator's API token; anything else is refused with 401 (403 for a signature minted to last).
 */
export function pullAuth(options: PullAuthOptions): MiddlewareHandler {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token !== null) {
      const operator = options.verifyOperatorToken ? await options.verifyOperatorToken(token) : null;
      if (!operator) throw new ApiError(401, 'this API token is not valid for media: it is mistyped or was revoked', { code: 'invalid_token', headers: challenge });
      if (!hasScope(operator.scopes, 'videos:read')) {
        throw new ApiError(403, `API token "${operator.name}" lacks the scope "videos:read" that reading media needs`, { code: 'missing_scope', fields: { missingScope: 'videos:read' } });
      }
      return next();
    }
    const expires = c.req.header(PULL_HEADERS.expires);
    const signature = c.req.header(PULL_HEADERS.signature);
    if (!options.secret && (expires || signature)) {
      throw new ApiError(401, 'this origin has no VORA_PULL_SECRET, so it accepts no signed pulls: set the same secret on the origin and its pullers', { code: 'pulls_disabled', headers: challenge });
    }
    // The signed path is the raw one, as the signer sent it (no decoding, no query).
    const path = new URL(c.req.url).pathname;
    const verdict = await verifyPull({ method: c.req.method, path, expires, signature, secret: options.secret ?? '', nowSeconds: now(), hmac: nodeHmacSha256Hex });
    if (!verdict.ok) throw new ApiError(verdict.status, verdict.message, { code: verdict.code, headers: challenge });
    return next();
  };
}
