import type { MiddlewareHandler } from 'hono';
import { bearerToken } from '../../../contracts/http.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from './errors.ts';

/** Guards `/internal/*`: `Authorization: Bearer <INTERNAL_SECRET>`, compared in constant time. */
export function requireInternalSecret(): MiddlewareHandler<EdgeApp> {
  return async (c, next) => {
    const expected = c.env.INTERNAL_SECRET;
    if (!expected) {
      throw new EdgeError(500, 'misconfigured', 'INTERNAL_SECRET is not set on the edge: put it in .dev.vars locally or run `wrangler secret put INTERNAL_SECRET`');
    }
    const given = bearerToken(c.req.header('Authorization'));
    if (given === null || !(await secretsEqual(given, expected))) {
      throw new EdgeError(401, 'unauthorized', 'missing or wrong bearer token: /internal routes need `Authorization: Bearer <INTERNAL_SECRET>`', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    await next();
  };
}

/** Hashing first gives both sides the same length, so timingSafeEqual leaks neither content nor length. */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([given, expected].map((value) => crypto.subtle.digest('SHA-256', encoder.encode(value))));
  return crypto.subtle.timingSafeEqual(a!, b!);
}
