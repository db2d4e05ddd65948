import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { hasScope } from '../../../contracts/api-tokens.ts';
import { bearerToken } from '../../../contracts/http.ts';
import { createBadTokenLimiter, type BadTokenLimiter } from './bad-token-limiter.ts';
import { ApiError } from './errors.ts';
import { requiredScope } from './scopes.ts';

/** Whoever the token names, with what it may do, or null; the DB version is `verifyApiToken(sql, token)`. */
export type VerifyToken = (token: string) => Promise<Operator | null>;
export interface Operator {
  id: string;
  name: string;
  scopes: readonly string[];
}

export interface OperatorAuthOptions {
  /** Path prefixes that carry their own credential (TUS uploads are authorised by their one-time upload grant). */
  except?: string[];
  limiter?: BadTokenLimiter;
  now?: () => number;
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="vora"' };
const tokenKey = (token: string) => createHash('sha256').update(token).digest('hex');

/** The peer's address (the socket's: headers are not trusted); `unknown` when not served by @hono/node-server (in-process tests). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Operator authentication for `/v1`: a live API token holding the route's scope (`scopes.ts`), else 401/403.
 * An address that keeps sending bad tokens is slowed down (429 + Retry-After); known good tokens still pass.
 */
export function operatorAuth(verify: VerifyToken, options: OperatorAuthOptions = {}): MiddlewareHandler<{ Variables: { operator: Operator } }> {
  const except = options.except ?? [];
  for (const prefix of except) if (!prefix.startsWith('/')) throw new Error(`operatorAuth: except entries are path prefixes starting with "/", got "${prefix}"`);
  const skipped = (path: string) => except.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  const limiter = options.limiter ?? createBadTokenLimiter();
  const now = options.now ?? Date.now;
  return async (c, next) => {
    if (skipped(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) {
      throw new ApiError(401, 'missing "Authorization: Bearer <API token>" header — the local stack\'s token is `apiToken` in .vora/secrets.json', { headers: challenge });
    }
    const address = clientAddress(c);
    const key = tokenKey(token);
    const admission = limiter.admit(address, key, now());
    if (!admission.check) {
      throw new ApiError(429, `too many invalid API tokens from ${address}: retry in ${admission.retryAfterSeconds} s (a valid token still gets through)`, {
        headers: { 'Retry-After': String(admission.retryAfterSeconds) },
      });
    }
    const operator = await verify(token);
    if (!operator) {
      limiter.failed(address, now());
      throw new ApiError(401, 'this API token is not valid: it is mistyped or was revoked — the local stack\'s token is `apiToken` in .vora/secrets.json', { headers: challenge });
    }
    limiter.succeeded(key, now());
    const needed = requiredScope(c.req.method, c.req.path);
    if (!hasScope(operator.scopes, needed)) {
      throw new ApiError(403, `API token "${operator.name}" lacks the scope "${needed}" that ${c.req.method} ${c.req.path} needs (it has: ${operator.scopes.join(', ')}); create one with \`vora tokens create --scopes ${needed}\``, {
        code: 'missing_scope',
        fields: { missingScope: needed },
      });
    }
    c.set('operator', operator);
    return next();
  };
}
