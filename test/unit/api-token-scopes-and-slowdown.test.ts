import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_SCOPES, CreateApiTokenRequest, hasScope } from '../../contracts/api-tokens.ts';
import { operatorAuth, type Operator } from '../../origin/src/api/auth.ts';
import { createBadTokenLimiter, DEFAULT_BAD_TOKEN_LIMITS } from '../../origin/src/api/bad-token-limiter.ts';
import { requiredScope } from '../../origin/src/api/scopes.ts';
import { pullAuth } from '../../origin/src/gateway/pull-auth.ts';

describe('the route → scope table', () => {
  it('names the scope of every operator route, reads apart from writes', () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/v1/videos', 'videos:read'],
      ['GET', '/v1/videos/vid_1', 'videos:read'],
      ['POST', '/v1/videos', 'videos:write'],
      ['DELETE', '/v1/videos/vid_1', 'videos:write'],
      ['POST', '/v1/videos/vid_1/token', 'videos:read'],
      ['POST', '/v1/live-inputs/live_1/token', 'videos:read'],
      ['POST', '/v1/live-inputs', 'admin'],
      ['GET', '/v1/videos/vid_1/analytics', 'videos:read'],
      ['POST', '/v1/chat/token', 'videos:read'],
      ['GET', '/v1/analytics/top', 'videos:read'],
      ['POST', '/v1/analytics/archive/restore', 'admin'],
      ['GET', '/v1/stats/processing', 'videos:read'],
      ['POST', '/v1/keys', 'keys'],
      ['GET', '/v1/keys', 'keys'],
      ['POST', '/v1/nodes/cdn-1/drain', 'nodes'],
      ['GET', '/v1/webhooks/endpoints', 'webhooks'],
      ['POST', '/v1/webhook-endpoints', 'webhooks'],
      ['DELETE', '/v1/webhook-endpoints/whe_1', 'webhooks'],
      ['GET', '/v1/live-inputs', 'admin'],
      ['GET', '/v1/channels/ch/config', 'videos:read'],
      ['PATCH', '/v1/channels/ch/config', 'admin'],
      ['POST', '/v1/api-tokens', 'admin'],
      ['GET', '/v1/api-tokens', 'admin'],
    ];
    for (const [method, path, scope] of cases) expect(requiredScope(method, path), `${method} ${path}`).toBe(scope);
  });

  it('needs admin for a route nobody declared, and does not match look-alike prefixes', () => {
    expect(requiredScope('GET', '/v1/something-new')).toBe('admin');
    expect(requiredScope('GET', '/v1/videosX')).toBe('admin');
    expect(requiredScope('GET', '/v1/keysmith')).toBe('admin');
  });

  it('admin holds every scope; the others only themselves', () => {
    for (const scope of API_TOKEN_SCOPES) expect(hasScope(['admin'], scope)).toBe(true);
    expect(hasScope(['videos:read'], 'videos:write')).toBe(false);
    expect(hasScope(['videos:read', 'keys'], 'keys')).toBe(true);
  });

  it('refuses unknown scopes and an empty list when a token is created; duplicates fold', () => {
    expect(CreateApiTokenRequest.safeParse({ name: 'ci', scopes: ['videos:read', 'root'] }).success).toBe(false);
    expect(CreateApiTokenRequest.safeParse({ name: 'ci', scopes: [] }).success).toBe(false);
    expect(CreateApiTokenRequest.parse({ name: ' ci ', scopes: ['keys', 'keys'] })).toEqual({ name: 'ci', scopes: ['keys'] });
  });
});

describe('the bad-token limiter (pure)', () => {
  const limits = { ...DEFAULT_BAD_TOKEN_LIMITS, failuresPerWindow: 3, windowMs: 60_000, checkIntervalMs: 1_000 };

  it('checks every token until an address has failed too often, then one per interval', () => {
    const limiter = createBadTokenLimiter(limits);
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.admit('10.0.0.1', `bad${i}`, 1_000 + i)).toEqual({ check: true });
      limiter.failed('10.0.0.1', 1_000 + i);
    }
    expect(limiter.admit('10.0.0.1', 'bad3', 1_010)).toEqual({ check: false, retryAfterSeconds: 1 });
    expect(limiter.admit('10.0.0.2', 'bad3', 1_010)).toEqual({ check: true });
    expect(limiter.admit('10.0.0.1', 'bad4', 2_002)).toEqual({ check: true });
    expect(limiter.admit('10.0.0.1', 'bad5', 2_003)).toMatchObject({ check: false });
  });

  it('lets a known good token through at once from a slowed address, and an unknown good one within the interval', () => {
    const limiter = createBadTokenLimiter(limits);
    limiter.succeeded('good', 0);
    for (let i = 0; i < 5; i += 1) limiter.failed('10.0.0.1', 100 + i);
    expect(limiter.admit('10.0.0.1', 'good', 200)).toEqual({ check: true });
    expect(limiter.admit('10.0.0.1', 'new-good', 200)).toMatchObject({ check: false });
    expect(limiter.admit('10.0.0.1', 'new-good', 1_104)).toEqual({ check: true });
  });

  it('forgets failures after the window, and a known good token after its time', () => {
    const limiter = createBadTokenLimiter(limits);
    limiter.succeeded('good', 0);
    for (let i = 0; i < 3; i += 1) limiter.failed('10.0.0.1', i);
    expect(limiter.admit('10.0.0.1', 'x', 500)).toMatchObject({ check: false });
    expect(limiter.admit('10.0.0.1', 'x', 60_003)).toEqual({ check: true });
    const later = limits.knownGoodMs + 70_000;
    for (let i = 0; i < 3; i += 1) limiter.failed('10.0.0.1', later + i);
    expect(limiter.admit('10.0.0.1', 'good', later + 10)).toMatchObject({ check: false });
  });

  it('keeps at most maxEntries addresses', () => {
    const limiter = createBadTokenLimiter({ ...limits, maxEntries: 2 });
    for (let i = 0; i < 3; i += 1) limiter.failed('10.0.0.1', i);
    limiter.failed('10.0.0.2', 10);
    limiter.failed('10.0.0.3', 11);
    expect(limiter.admit('10.0.0.1', 'x', 12)).toEqual({ check: true }); // forgotten, not limited
  });
});

describe('operatorAuth with scopes and the limiter', () => {
  const tokens: Record<string, Operator> = {
    'vora_reader': { id: 'tok_r', name: 'reader', scopes: ['videos:read'] },
    'vora_admin': { id: 'tok_a', name: 'root', scopes: ['admin'] },
  };
  let clock = 0;
  function app() {
    const hono = new Hono();
    hono.use('/v1/*', operatorAuth(async (token) => tokens[token] ?? null, { limiter: createBadTokenLimiter({ ...DEFAULT_BAD_TOKEN_LIMITS, failuresPerWindow: 2 }), now: () => clock }));
    hono.all('/v1/*', (c) => c.json({ ok: true }));
    return hono;
  }
  const call = (hono: Hono, method: string, path: string, token: string) => hono.request(path, { method, headers: { authorization: `Bearer ${token}` } });

  it('403 missing_scope names the scope the route needs and how to get it', async () => {
    const hono = app();
    expect((await call(hono, 'GET', '/v1/videos', 'vora_reader')).status).toBe(200);
    const refused = await call(hono, 'POST', '/v1/videos', 'vora_reader');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'missing_scope', message: expect.stringMatching(/"videos:write".*POST \/v1\/videos.*--scopes videos:write/) }, missingScope: 'videos:write' });
    expect((await call(hono, 'POST', '/v1/videos', 'vora_admin')).status).toBe(200);
  });

  it('429 with Retry-After after repeated bad tokens, while a good token from the same address passes', async () => {
    const hono = app();
    clock = 1_000;
    expect((await call(hono, 'GET', '/v1/videos', 'vora_admin')).status).toBe(200);
    expect((await call(hono, 'GET', '/v1/videos', 'vora_bad1')).status).toBe(401);
    expect((await call(hono, 'GET', '/v1/videos', 'vora_bad2')).status).toBe(401);
    const slowed = await call(hono, 'GET', '/v1/videos', 'vora_bad3');
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).toBe('1');
    expect((await slowed.json()).error.code).toBe('rate_limited');
    expect((await call(hono, 'GET', '/v1/videos', 'vora_admin')).status).toBe(200);
  });
});

describe('media pulls with an operator token', () => {
  it('need videos:read (403 missing_scope otherwise)', async () => {
    const hono = new Hono();
    const scopesOf: Record<string, string[]> = { 'vora_keys': ['keys'], 'vora_reader': ['videos:read'] };
    hono.use('/media/*', pullAuth({ verifyOperatorToken: async (token) => (scopesOf[token] ? { id: 'tok', name: token, scopes: scopesOf[token]! } : null) }));
    hono.get('/media/*', (c) => c.text('bytes'));
    const get = (token: string) => hono.request('/media/vid_1/master.m3u8', { headers: { authorization: `Bearer ${token}` } });
    expect((await get('vora_reader')).status).toBe(200);
    const refused = await get('vora_keys');
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: 'missing_scope', message: expect.stringContaining('"videos:read"') });
  });
});
