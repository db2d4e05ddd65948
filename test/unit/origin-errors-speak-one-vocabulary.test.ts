import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ApiErrorBody, errorCodeFor } from '../../contracts/http.ts';
import { ApiError, handleApiErrors } from '../../origin/src/api/errors.ts';
import type { Sql } from '../../origin/src/db/index.ts';
import { gatewayRoutes } from '../../origin/src/gateway/routes.ts';

const silent = pino({ level: 'silent' });
/** Any database use fails the test: these requests must be refused before it. */
const untouchableSql = new Proxy({}, { get: () => () => { throw new Error('the database was used'); } }) as Sql;

describe('the error vocabulary: one body, one status → code table', () => {
  it('names a code for every status, precise where the table knows it and by class where not', () => {
    expect([400, 401, 404, 405, 409, 413, 416, 426, 500].map(errorCodeFor)).toEqual([
      'bad_request', 'unauthorized', 'not_found', 'method_not_allowed', 'conflict', 'too_large', 'range_not_satisfiable', 'upgrade_required', 'internal',
    ]);
    expect(errorCodeFor(418)).toBe('error');
    expect(errorCodeFor(502)).toBe('unavailable');
  });

  it('answers a thrown ApiError in the shared shape even under a bare Hono app, with its code, headers and extra fields', async () => {
    const app = new Hono();
    app.get('/default', () => {
      throw new ApiError(404, 'no video vid_x');
    });
    app.get('/precise', () => {
      throw new ApiError(409, 'base is stale', { code: 'stale_base', headers: { 'Retry-After': '2' }, fields: { hash: 'abc' } });
    });
    const plain = await app.request('/default');
    expect(plain.status).toBe(404);
    expect(ApiErrorBody.parse(await plain.json())).toEqual({ error: { code: 'not_found', message: 'no video vid_x' } });
    const precise = await app.request('/precise');
    expect(precise.status).toBe(409);
    expect(precise.headers.get('retry-after')).toBe('2');
    expect(await precise.json()).toEqual({ error: { code: 'stale_base', message: 'base is stale' }, hash: 'abc' });
  });

  it("turns Hono's own exceptions and unexpected errors into the shape, never a stack trace", async () => {
    const app = new Hono();
    app.get('/hono', () => {
      throw new HTTPException(413, { message: 'too big' });
    });
    app.get('/bug', () => {
      throw new Error('secret internals at line 42');
    });
    app.onError(handleApiErrors(silent, { event: 'test_error' }));
    expect(await (await app.request('/hono')).json()).toEqual({ error: { code: 'too_large', message: 'too big' } });
    const bug = await app.request('/bug');
    expect(bug.status).toBe(500);
    const text = await bug.text();
    expect(ApiErrorBody.parse(JSON.parse(text)).error.code).toBe('internal');
    expect(text).not.toContain('line 42');
  });

  it('refuses media requests in the same shape, never cacheable, before touching the database', async () => {
    const operator = { authorization: 'Bearer operator-token' };
    const pulls = { secret: 'pull-secret-0123456789', verifyOperatorToken: async (token: string) => (token === 'operator-token' ? { id: 'op', name: 'op', scopes: ['admin'] } : null) };
    const media = new Hono().route('/media', gatewayRoutes({ sql: untouchableSql, s3: {} as never, mediaBucket: 'vora-media', log: silent, pulls }));
    const unsigned = await media.request('/media/vid_a/master.m3u8');
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('cache-control')).toBe('no-store');
    expect((await unsigned.json()).error.code).toBe('unsigned_pull');
    const post = await media.request('/media/vid_a/master.m3u8', { method: 'POST', headers: operator });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.headers.get('cache-control')).toBe('no-store');
    expect((await post.json()).error.code).toBe('method_not_allowed');
    const traversal = await media.request('/media/vid_a/..%2f..%2fetc/passwd', { headers: operator });
    expect(traversal.status).toBe(400);
    expect(traversal.headers.get('cache-control')).toBe('no-store');
    expect((await traversal.json()).error.code).toBe('bad_request');
  });
});
