import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as jwt from '../../edge/src/auth/verify-jwt.ts';
import { VerifiedTokens } from '../../edge/src/auth/verified-tokens.ts';
import { verifyPlaybackToken } from '../../edge/src/playback/claims.ts';

// The edge remembers playback tokens it verified (edge/src/auth/verified-tokens.ts): a hit must answer exactly as a
// full verification would, for that exact token text under that exact key set, and never for anything else.

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowSeconds = now / 1000;

let jwks: JSONWebKeySet;
let privateKey: CryptoKey;
let otherPrivateKey: CryptoKey;

const sign = (claims: JWTPayload, key = privateKey) => new SignJWT({ sub: 'vid1', exp: nowSeconds + 3600, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(key);

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  otherPrivateKey = (await generateKeyPair('ES256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
});

describe('verifyPlaybackToken with remembered tokens', () => {
  it('checks the signature of a token once per key set, and each token on its own', async () => {
    const spy = vi.spyOn(jwt, 'verifyJwt');
    const first = await sign({ maxHeight: 720 });
    const second = await sign({ maxHeight: 1080 });
    for (let i = 0; i < 3; i++) expect(await verifyPlaybackToken(first, { jwks, now })).toMatchObject({ ok: true, claims: { maxHeight: 720 } });
    // Another viewer's token is its own entry: its own claims, never the first viewer's.
    expect(await verifyPlaybackToken(second, { jwks, now })).toMatchObject({ ok: true, claims: { maxHeight: 1080 } });
    expect(await verifyPlaybackToken(first, { jwks, now })).toMatchObject({ ok: true, claims: { maxHeight: 720 } });
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });

  it('refuses a forged token every time, however close to a remembered one', async () => {
    const good = await sign({});
    expect(await verifyPlaybackToken(good, { jwks, now })).toMatchObject({ ok: true });
    const [header, payload] = good.split('.');
    const forgedSignature = (await sign({}, otherPrivateKey)).split('.')[2];
    const forged = `${header}.${payload}.${forgedSignature}`;
    for (let i = 0; i < 2; i++) expect(await verifyPlaybackToken(forged, { jwks, now })).toMatchObject({ ok: false, status: 401, reason: 'bad token signature' });
    // A payload swapped under the remembered token's signature (another video) is not that token either.
    const otherPayload = Buffer.from(JSON.stringify({ sub: 'vid2', exp: nowSeconds + 3600 })).toString('base64url');
    expect(await verifyPlaybackToken(`${header}.${otherPayload}.${good.split('.')[2]}`, { jwks, now })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a remembered token once it expires, and one not yet valid until its nbf', async () => {
    const token = await sign({ exp: nowSeconds + 60 });
    expect(await verifyPlaybackToken(token, { jwks, now })).toMatchObject({ ok: true });
    // Past exp plus the 30 s tolerance: the same refusal as a token never seen.
    expect(await verifyPlaybackToken(token, { jwks, now: now + 91_000 })).toMatchObject({ ok: false, status: 401, reason: 'token expired' });
    const early = await sign({ nbf: nowSeconds + 120 });
    expect(await verifyPlaybackToken(early, { jwks, now })).toMatchObject({ ok: false, reason: 'token not yet valid' });
    expect(await verifyPlaybackToken(early, { jwks, now: now + 120_000 })).toMatchObject({ ok: true });
  });

  it('forgets every token when the key set changes (a key revoked takes effect at once)', async () => {
    const token = await sign({});
    expect(await verifyPlaybackToken(token, { jwks, now })).toMatchObject({ ok: true });
    const withoutTheKey: JSONWebKeySet = { keys: [{ ...jwks.keys[0]!, kid: 'ec-2' }] };
    expect(await verifyPlaybackToken(token, { jwks: withoutTheKey, now })).toMatchObject({ ok: false, status: 401, reason: 'unknown signing key (kid)' });
  });

  it('still applies the viewer rules of a remembered token on every request', async () => {
    const token = await sign({ countries: { allow: ['FR'] }, ipRanges: ['203.0.113.0/24'] });
    expect(await verifyPlaybackToken(token, { jwks, now, country: 'FR', clientIp: '203.0.113.9' })).toMatchObject({ ok: true });
    expect(await verifyPlaybackToken(token, { jwks, now, country: 'DE', clientIp: '203.0.113.9' })).toMatchObject({ ok: false, status: 403 });
    expect(await verifyPlaybackToken(token, { jwks, now, country: 'FR', clientIp: '198.51.100.1' })).toMatchObject({ ok: false, status: 403 });
    expect(await verifyPlaybackToken(token, { jwks, now, videoId: 'vid2', country: 'FR', clientIp: '203.0.113.9' })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('VerifiedTokens', () => {
  const keySet: JSONWebKeySet = { keys: [] };
  it('keeps at most its capacity, dropping the least recently used', () => {
    const memo = new VerifiedTokens<{ exp: number }>(2);
    memo.set(keySet, 'a', { exp: nowSeconds + 60 });
    memo.set(keySet, 'b', { exp: nowSeconds + 60 });
    memo.get(keySet, 'a', now);
    memo.set(keySet, 'c', { exp: nowSeconds + 60 });
    expect(memo.size).toBe(2);
    expect(memo.get(keySet, 'b', now)).toBeUndefined();
    expect(memo.get(keySet, 'a', now)).toBeDefined();
    expect(memo.get({ keys: [] }, 'a', now)).toBeUndefined();
  });
});
