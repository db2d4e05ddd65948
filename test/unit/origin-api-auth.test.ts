import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../contracts/http.ts';
import { operatorAuth } from '../../origin/src/api/auth.ts';

const liveToken = 'vora_live-token';
const verify = async (token: string) => (token === liveToken ? { id: 'tok_1', name: 'ops', scopes: ['admin'] } : null);

function app() {
  const hono = new Hono();
  hono.use('/v1/*', operatorAuth(verify, { except: ['/v1/uploads'] }));
  hono.get('/v1/videos', (c) => c.json({ ok: true }));
  hono.all('/v1/uploads/*', (c) => c.text('tus'));
  return hono;
}

describe('operator auth', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'abc']) expect(bearerToken(header)).toBeNull();
  });

  it('answers 401 in the JSON error shape, with a Bearer challenge, without a token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer vora_wrong' }, { authorization: `Basic ${liveToken}` }] as Record<string, string>[]) {
      const response = await app().request('/v1/videos', { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="vora"');
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.stringContaining('secrets.json') } });
    }
  });

  it('lets a live token through, and leaves the excepted prefix (not look-alikes) to its own credential', async () => {
    expect((await app().request('/v1/videos', { headers: { authorization: `Bearer ${liveToken}` } })).status).toBe(200);
    expect((await app().request('/v1/uploads/vid_a.0')).status).toBe(200);
    expect((await app().request('/v1/uploadsX')).status).toBe(401);
  });

  it('refuses a malformed except list at startup, not on the first request', () => {
    expect(() => operatorAuth(verify, { except: ['v1/uploads'] })).toThrow(/path prefixes/);
  });
});
