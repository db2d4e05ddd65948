import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { pullAuth } from '../../origin/src/gateway/pull-auth.ts';
import { assertPullSecret, MAX_PULL_TTL_SECONDS, pullHeaders, pullMessage, PULL_HEADERS, signPull, verifyPull } from '../../contracts/pull-signing.ts';

const secret = 'pull-secret-0123456789';
const path = '/media/vid_a/360p/seg_00001.m4s';
const now = 1_800_000_000;

async function verdictFor(headers: Record<string, string>, overrides: Partial<{ method: string; path: string; nowSeconds: number; secret: string }> = {}) {
  return verifyPull({ method: 'GET', path, expires: headers[PULL_HEADERS.expires], signature: headers[PULL_HEADERS.signature], secret, nowSeconds: now, ...overrides });
}

describe('signed pulls from the gateway', () => {
  it('signs METHOD, path and expiry with HMAC-SHA256 as nginx and Varnish compute it', async () => {
    expect(pullMessage({ method: 'get', path: '/media/a', expires: 123 })).toBe('GET\n/media/a\n123');
    // The same vector from node:crypto and from Varnish's vmod digest (hmac_sha256("key", …) = 0x31baa8…).
    expect(await signPull({ method: 'GET', path: '/media/a', expires: 123, secret: 'key' })).toBe('31baa820684951acedd0db04fdd03c002fa6689580b921f35b8f93d255d63760');
  });

  it('signs HEAD as GET, since caches ask upstream with GET', async () => {
    expect(await signPull({ method: 'HEAD', path, expires: 5, secret })).toBe(await signPull({ method: 'GET', path, expires: 5, secret }));
    expect(await verdictFor(await pullHeaders({ method: 'GET', path, secret, nowSeconds: now }), { method: 'HEAD' })).toEqual({ ok: true });
  });

  it('accepts a fresh pull, and upper-case hex', async () => {
    const headers = await pullHeaders({ method: 'GET', path, secret, nowSeconds: now });
    expect(Number(headers[PULL_HEADERS.expires])).toBe(now + 60);
    expect(await verdictFor(headers)).toEqual({ ok: true });
    expect(await verdictFor({ ...headers, [PULL_HEADERS.signature]: headers[PULL_HEADERS.signature]!.toUpperCase() })).toEqual({ ok: true });
  });

  it('refuses a pull with no headers as unsigned, naming the ways in', async () => {
    const verdict = await verdictFor({});
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'unsigned_pull' });
    expect(!verdict.ok && verdict.message).toMatch(/VORA_PULL_SECRET.*API token/);
  });

  it('refuses expired, forged, re-aimed, re-methoded and malformed pulls with 401', async () => {
    const headers = await pullHeaders({ method: 'GET', path, secret, nowSeconds: now });
    expect(await verdictFor(headers, { nowSeconds: now + 60 + 31 })).toMatchObject({ status: 401, code: 'expired_pull' });
    expect(await verdictFor(headers, { nowSeconds: now + 60 + 29 })).toEqual({ ok: true });
    expect(await verdictFor(headers, { secret: 'another-secret-0123456789' })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
    expect(await verdictFor(headers, { path: '/media/vid_b/360p/seg_00001.m4s' })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
    expect(await verdictFor(headers, { method: 'DELETE' })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
    expect(await verdictFor({ ...headers, [PULL_HEADERS.expires]: String(now + 61) })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
    expect(await verdictFor({ ...headers, [PULL_HEADERS.expires]: '1e9' })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
    expect(await verdictFor({ [PULL_HEADERS.expires]: String(now + 10) })).toMatchObject({ status: 401, code: 'bad_pull_signature' });
  });

  it('refuses with 403 a signature minted to last longer than the gateway allows', async () => {
    const lasting = await pullHeaders({ method: 'GET', path, secret, nowSeconds: now, ttlSeconds: MAX_PULL_TTL_SECONDS + 60 });
    expect(await verdictFor(lasting)).toMatchObject({ ok: false, status: 403, code: 'pull_expiry_too_far' });
  });

  it('lets the gateway check pulls with node:crypto to the same verdicts as WebCrypto', async () => {
    const gateway = new Hono();
    gateway.onError((error) => new Response(null, { status: (error as { status?: number }).status ?? 500 }));
    gateway.use('*', pullAuth({ secret, now: () => now }));
    gateway.get('*', (c) => c.text('bytes'));
    const headers = await pullHeaders({ method: 'GET', path, secret, nowSeconds: now });
    expect((await gateway.request(path, { headers })).status).toBe(200);
    expect((await gateway.request(path, { method: 'HEAD', headers })).status).toBe(200);
    expect((await gateway.request('/media/vid_b/360p/seg_00001.m4s', { headers })).status).toBe(401);
    expect((await gateway.request(path, { headers: await pullHeaders({ method: 'GET', path, secret: 'another-secret-0123456789', nowSeconds: now }) })).status).toBe(401);
  });

  it('only takes secrets that are safe to paste into nginx.conf and a VCL', () => {
    expect(() => assertPullSecret(secret)).not.toThrow();
    expect(() => assertPullSecret('short')).toThrow(/16-128/);
    expect(() => assertPullSecret('a-long-enough-secret"; return 200;')).toThrow(/VORA_PULL_SECRET/);
  });
});
