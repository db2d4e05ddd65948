import type { Context } from 'hono';
import { noStore } from './cache-policy.ts';

export type MediaErrorStatus = 400 | 404 | 405 | 409 | 416 | 500 | 503;

/** A JSON error in the origin's one shape (`{"error":{"code","message"}}`), never cached. */
export function mediaError(c: Context, status: MediaErrorStatus, code: string, message: string, headers: Record<string, string> = {}): Response {
  return c.json({ error: { code, message } }, status, { 'Cache-Control': noStore, ...headers });
}
