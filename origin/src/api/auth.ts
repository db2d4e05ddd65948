import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../../../contracts/http.ts';
import { ApiError } from './errors.ts';

/** Whoever the token names, or null; the DB version is `verifyApiToken(sql, token)`. */
export type VerifyToken = (token: string) => Promise<{ id: string; name: string } | null>;

const challenge = { 'WWW-Authenticate': 'Bearer realm="vora"' };

/**
 * Operator authentication for `/v1`: a live API token or 401. `except` names path prefixes
 * that carry their own credential (TUS uploads are authorised by their one-time upload grant).
 */
export function operatorAuth(verify: VerifyToken, options: { except?: string[] } = {}): MiddlewareHandler<{ Variables: { operator: { id: string; name: string } } }> {
  const except = options.except ?? [];
  for (const prefix of except) if (!prefix.startsWith('/')) throw new Error(`operatorAuth: except entries are path prefixes starting with "/", got "${prefix}"`);
  const skipped = (path: string) => except.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  return async (c, next) => {
    if (skipped(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) {
      throw new ApiError(401, 'missing "Authorization: Bearer <API token>" header — the local stack\'s token is `apiToken` in .vora/secrets.json', { headers: challenge });
    }
    const operator = await verify(token);
    if (!operator) throw new ApiError(401, 'this API token is not valid: it is mistyped or was revoked — the local stack\'s token is `apiToken` in .vora/secrets.json', { headers: challenge });
    c.set('operator', operator);
    return next();
  };
}
