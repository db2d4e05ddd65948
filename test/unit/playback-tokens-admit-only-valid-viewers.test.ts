import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPlaybackToken } from '../../edge/src/playback/claims.ts';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowSeconds = now / 1000;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let jwks: JSONWebKeySet;
let ecPrivate: CryptoKey;
let rsaPrivate: CryptoKey;
let ecPublicJwk: Record<string, unknown>;
let ecPublicPem: string;

async function sign(claims: JWTPayload, header: { alg?: string; kid?: string } = {}, key?: CryptoKey | Uint8Array): Promise<string> {
  const alg = header.alg ?? 'ES256';
  const protectedHeader = { alg, ...('kid' in header ? (header.kid === undefined ? {} : { kid: header.kid }) : { kid: alg === 'RS256' ? 'rsa-1' : 'ec-1' }) };
  return new SignJWT({ sub: 'vid1', exp: nowSeconds + 3600, ...claims }).setProtectedHeader(protectedHeader).sign(key ?? (alg === 'RS256' ? rsaPrivate : ecPrivate));
}

beforeAll(async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  const rsa = await generateKeyPair('RS256', { extractable: true });
  ecPrivate = ec.privateKey;
  rsaPrivate = rsa.privateKey;
  ecPublicJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  ecPublicPem = await exportSPKI(ec.publicKey);
  jwks = { keys: [ecPublicJwk as never, { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }] };
});

const verify = (token: string, extra: { videoId?: string; country?: string; clientIp?: string } = {}) =>
  verifyPlaybackToken(token, { jwks, now, videoId: 'vid1', ...extra });

describe('verifyPlaybackToken accepts', () => {
  it('an ES256 and an RS256 token for the video, returning the claims', async () => {
    const result = await verify(await sign({ maxHeight: 720 }));
    expect(result).toMatchObject({ ok: true, claims: { sub: 'vid1', maxHeight: 720 } });
    expect(await verify(await sign({}, { alg: 'RS256' }))).toMatchObject({ ok: true });
  });

  it('a token expired or not yet valid by less than the 30 s tolerance', async () => {
    expect(await verify(await sign({ exp: nowSeconds - 20 }))).toMatchObject({ ok: true });
    expect(await verify(await sign({ nbf: nowSeconds + 20 }))).toMatchObject({ ok: true });
  });

  it('a viewer inside the country and IP rules', async () => {
    const token = await sign({ countries: { allow: ['FR', 'BE'], block: ['XX'] }, ipRanges: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(await verify(token, { country: 'FR', clientIp: '203.0.113.9' })).toMatchObject({ ok: true });
    expect(await verify(token, { country: 'BE', clientIp: '2001:db8:1::5' })).toMatchObject({ ok: true });
  });
});

describe('verifyPlaybackToken rejects the forged-token corpus', () => {
  const header = b64({ alg: 'none', kid: 'ec-1', typ: 'JWT' });
  const payload = b64({ sub: 'vid1', exp: nowSeconds + 3600 });

  const corpus: [string, () => Promise<string>, 401 | 403, RegExp, object?][] = [
    ['alg none, empty signature', async () => `${header}.${payload}.`, 401, /malformed|algorithm/],
    ['alg none, with a signature part', async () => `${header}.${payload}.AAAA`, 401, /algorithm/],
    ['HS256 signed with the public JWK as secret', () => sign({}, { alg: 'HS256', kid: 'ec-1' }, new TextEncoder().encode(JSON.stringify(ecPublicJwk))), 401, /algorithm/],
    ['HS256 signed with the public PEM as secret', () => sign({}, { alg: 'HS256', kid: 'ec-1' }, new TextEncoder().encode(ecPublicPem)), 401, /algorithm/],
    ['ES256 header on an RS256 key id', async () => (await sign({}, { alg: 'RS256' })).replace(/^[^.]+/, b64({ alg: 'ES256', kid: 'rsa-1' })), 401, /signing key|signature|malformed/],
    ['no kid', () => sign({}, { kid: undefined }), 401, /kid/],
    ['unknown kid', () => sign({}, { kid: 'retired-key' }), 401, /unknown signing key/],
    ['signature of another payload', async () => { const [h, , s] = (await sign({})).split('.'); return `${h}.${b64({ sub: 'vid1', exp: nowSeconds + 99999 })}.${s}`; }, 401, /signature/],
    ['expired beyond the tolerance', () => sign({ exp: nowSeconds - 40 }), 401, /expired/],
    ['not yet valid beyond the tolerance', () => sign({ nbf: nowSeconds + 40 }), 401, /not yet valid/],
    ['no exp', async () => new SignJWT({ sub: 'vid1' }).setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(ecPrivate), 401, /exp|claim/],
    ['bad claims (ipRanges not CIDR)', () => sign({ ipRanges: ['not-a-range'] }), 401, /invalid claims/],
    ['another video', () => sign({ sub: 'vid2' }), 403, /another video/],
    ['a blocked country', () => sign({ countries: { block: ['FR'] } }), 403, /country/, { country: 'FR' }],
    ['a country outside the allow list', () => sign({ countries: { allow: ['BE'] } }), 403, /country/, { country: 'FR' }],
    ['an unknown country with an allow list', () => sign({ countries: { allow: ['BE'] } }), 403, /country/, {}],
    ['an IP outside the ranges', () => sign({ ipRanges: ['203.0.113.0/24'] }), 403, /network/, { clientIp: '198.51.100.7' }],
    ['an IPv6 IP outside the ranges', () => sign({ ipRanges: ['2001:db8::/32'] }), 403, /network/, { clientIp: '2001:db9::1' }],
    ['no client IP with IP ranges', () => sign({ ipRanges: ['203.0.113.0/24'] }), 403, /network/, {}],
    ['garbage', async () => 'hello', 401, /malformed/],
    ['empty string', async () => '', 401, /malformed/],
    ['three dots of nothing', async () => '..', 401, /malformed/],
    ['non-JSON header', async () => `${Buffer.from('{{{').toString('base64url')}.${payload}.AAAA`, 401, /malformed/],
  ];

  it.each(corpus)('%s', async (_, make, status, reason, request) => {
    const result = await verify(await make(), request as never);
    expect(result).toMatchObject({ ok: false, status });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('a token over 8 KiB, before parsing (its reason is the size, not its malformed parts)', async () => {
    const huge = `${'A'.repeat(9000)}.${'B'.repeat(9000)}.${'C'.repeat(9000)}`;
    const result = await verify(huge);
    expect(result).toEqual({ ok: false, status: 401, reason: 'token too large' });
  });

  it('answers 503 (not a throw) when the key set itself is broken', async () => {
    const result = await verifyPlaybackToken(await sign({}), { jwks: { keys: 'nope' } as never, now });
    expect(result).toMatchObject({ ok: false, status: 503 });
  });
});
