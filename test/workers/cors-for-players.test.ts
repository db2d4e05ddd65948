// A player on another site may call playlists and /beacon only from the configured origins, preflight included.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEdgeApp } from '../../edge/src/app.ts';
import { allowedOriginFor, parseAllowedOrigins } from '../../edge/src/http/cors-origins.ts';
import { edgeFetch } from './helpers.ts';
import { clearNodes, makeSigner, MASTER, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

const ALLOWED = 'https://player.example';
const STRANGER = 'https://evil.example';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('cors-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
  await clearNodes();
  await registerNode('cdn-a');
});
afterEach(() => vi.restoreAllMocks());

const preflight = (path: string, origin: string, method: string) =>
  edgeFetch(path, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization, content-type' } });

describe('preflight', () => {
  it('answers an allowed origin for /beacon and playlists before any token check', async () => {
    for (const [path, method] of [['/beacon', 'POST'], ['/v/any-token/master.m3u8', 'GET'], ['/v/any-token/720p/playlist.m3u8', 'GET']] as const) {
      const response = await preflight(path, ALLOWED, method);
      expect(response.status, path).toBe(204);
      expect(response.headers.get('Access-Control-Allow-Origin'), path).toBe(ALLOWED);
      expect(response.headers.get('Access-Control-Allow-Methods'), path).toContain(method);
      expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase(), path).toContain('authorization');
      expect(response.headers.get('Access-Control-Max-Age'), path).toBe('600');
      expect(response.headers.get('Vary'), path).toContain('Origin');
    }
  });

  it('gives an origin outside the list nothing to go on', async () => {
    for (const path of ['/beacon', '/v/any-token/master.m3u8']) {
      const response = await preflight(path, STRANGER, 'POST');
      expect(response.headers.get('Access-Control-Allow-Origin'), path).toBeNull();
    }
  });

  it('leaves routes no player calls without CORS', async () => {
    const response = await preflight('/internal/keys', ALLOWED, 'PUT');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('answers and refusals', () => {
  it('a playlist and a refusal both carry the allowed origin (the player can read why), a stranger\'s do not', async () => {
    const video = uniqueVideo('cors');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER) });
    const token = await signer.sign({ sub: video });
    const ok = await edgeFetch(`/v/${token}/master.m3u8`, { headers: { Origin: ALLOWED } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    expect(ok.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');

    const refused = await edgeFetch('/v/not-a-jwt/master.m3u8', { headers: { Origin: 'http://localhost:3000' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:3000');

    const stranger = await edgeFetch(`/v/${token}/master.m3u8`, { headers: { Origin: STRANGER } });
    expect(stranger.status).toBe(200);
    expect(stranger.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('a beacon refusal from an allowed site carries the origin', async () => {
    const response = await edgeFetch('/beacon', { method: 'POST', headers: { Origin: ALLOWED, 'Content-Type': 'application/json' }, body: '{' });
    expect(response.status).toBe(400);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
  });

  it('an unusable CORS_ALLOWED_ORIGINS is 500 misconfigured naming the variable, not a silent allow', async () => {
    const app = createEdgeApp();
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const response = await app.fetch(new Request('https://edge.test/beacon', { method: 'OPTIONS', headers: { Origin: ALLOWED } }), { ...env, CORS_ALLOWED_ORIGINS: 'https://player.example/path' }, ctx);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'misconfigured', message: expect.stringMatching(/CORS_ALLOWED_ORIGINS.*not an origin/) } });
  });
});

describe('the allow-list (pure)', () => {
  it('reads lists, `*` and empty; refuses paths and mixed `*`', () => {
    const list = parseAllowedOrigins(' https://A.example ,http://localhost:3000/ ');
    expect(list).toEqual({ ok: true, any: false, origins: new Set(['https://a.example', 'http://localhost:3000']) });
    expect(parseAllowedOrigins(undefined)).toEqual({ ok: true, any: false, origins: new Set() });
    expect(parseAllowedOrigins('')).toEqual({ ok: true, any: false, origins: new Set() });
    expect(parseAllowedOrigins('*')).toMatchObject({ ok: true, any: true });
    expect(parseAllowedOrigins('*, https://a.example')).toMatchObject({ ok: false });
    expect(parseAllowedOrigins('https://a.example/player')).toMatchObject({ ok: false, reason: expect.stringMatching(/not an origin/) });
    expect(parseAllowedOrigins('ftp://a.example')).toMatchObject({ ok: false });
  });

  it('matches origins case-insensitively, echoes the request\'s own, and allows nothing without an Origin', () => {
    const list = parseAllowedOrigins('https://a.example');
    if (!list.ok) throw new Error(list.reason);
    expect(allowedOriginFor('https://A.example', list)).toBe('https://A.example');
    expect(allowedOriginFor('https://b.example', list)).toBeNull();
    expect(allowedOriginFor('', list)).toBeNull();
    const any = parseAllowedOrigins('*');
    if (!any.ok) throw new Error(any.reason);
    expect(allowedOriginFor('https://b.example', any)).toBe('*');
  });
});
