import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../../../contracts/http.ts';
import { ApiError } from './errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `/internal/*` routes the edge calls: `Authorization: Bearer <VORA_INTERNAL_SECRET>`, checked in constant time, else 401. */
export function requireInternalSecret(internalSecret: string, what: string): MiddlewareHandler {
  if (internalSecret.length < 16) throw new Error(`${what} needs VORA_INTERNAL_SECRET (16+ characters), the secret the edge calls it with`);
  const expected = digest(internalSecret);
  return async (c, next) => {
    const given = bearerToken(c.req.header('Authorization'));
    // Hashing first makes both sides equal length, so the comparison leaks neither content nor length.
    if (given === null || !timingSafeEqual(digest(given), expected)) throw new ApiError(401, 'missing or wrong bearer token: /internal routes need `Authorization: Bearer <VORA_INTERNAL_SECRET>`');
    await next();
  };
}
