import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createOriginApp } from '../../origin/src/app.ts';
import type { Sql } from '../../origin/src/db/index.ts';
import type { TusUploads } from '../../origin/src/uploads/tus-server.ts';

/** Any database use fails the test: these requests must be refused at the door. */
const untouchableSql = new Proxy({}, { get: () => () => { throw new Error('the database was used'); } }) as Sql;

function app(tusAnswer: Response) {
  const uploads: TusUploads = { handle: async () => tusAnswer, cleanUpExpired: async () => 0, expirationMs: 0 };
  return createOriginApp({
    log: pino({ level: 'silent' }),
    healthChecks: [],
    api: {
      verifyToken: async (token) => (token === 'good' ? { id: 'tok', name: 'ops', scopes: ['admin'] } : null),
      uploads,
      videos: { sql: untouchableSql, s3: {} as never, buckets: { raw: 'r', media: 'm' }, events: { publish: async () => {} }, log: pino({ level: 'silent' }), publicUrl: 'http://o', grantTtlSeconds: 60 },
    },
  });
}
const auth = { authorization: 'Bearer good', 'content-type': 'application/json' };

describe('origin API errors: one JSON shape, the right status', () => {
  it('refuses bad video input with 400 naming the field, before any database work', async () => {
    const cases: Array<[string, RequestInit]> = [
      ['/v1/videos', { method: 'POST', headers: auth, body: JSON.stringify({ title: '' }) }],
      ['/v1/videos', { method: 'POST', headers: auth, body: JSON.stringify({ title: 'ok', channelId: 'a/b' }) }],
      ['/v1/videos', { method: 'POST', headers: auth, body: '{not json' }],
      ['/v1/videos?limit=0', { headers: auth }],
      ['/v1/videos/has.dot', { headers: auth }],
    ];
    for (const [path, init] of cases) {
      const response = await app(new Response(null)).request(path, init);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error.code).toBe('bad_request');
    }
  });

  it('turns the plain-text errors of the TUS server into the JSON shape, keeping status and TUS headers', async () => {
    const tus = new Response('Maximum size exceeded\n', { status: 413, headers: { 'Tus-Resumable': '1.0.0', 'Content-Length': '22' } });
    const response = await app(tus).request('/v1/uploads?grant=x', { method: 'POST' });
    expect(response.status).toBe(413);
    expect(response.headers.get('tus-resumable')).toBe('1.0.0');
    expect(await response.json()).toEqual({ error: { code: 'too_large', message: 'Maximum size exceeded' } });
  });

  it('passes successful TUS answers through untouched', async () => {
    const response = await app(new Response(null, { status: 204, headers: { 'Upload-Offset': '10' } })).request('/v1/uploads/vid_a.0', { method: 'PATCH' });
    expect(response.status).toBe(204);
    expect(response.headers.get('upload-offset')).toBe('10');
  });
});
