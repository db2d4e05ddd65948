import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChatToken } from '../../edge/src/rooms/chat-token.ts';

const now = Date.UTC(2026, 0, 1, 12);
const nowSeconds = now / 1000;
let jwks: JSONWebKeySet;
let key: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  key = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
});

const sign = (claims: JWTPayload = {}, signWith?: CryptoKey, header: Record<string, string> = { alg: 'ES256', kid: 'k1' }) =>
  new SignJWT({ sub: 'u1', name: 'Ada', role: 'viewer', room: 'lobby', exp: nowSeconds + 60, ...claims }).setProtectedHeader(header as never).sign(signWith ?? key);
const verify = async (token: string, room = 'lobby') => verifyChatToken(token, { jwks, now, room });

describe('verifyChatToken', () => {
  it('returns the user of a valid token for this room', async () => {
    expect(await verify(await sign({ role: 'moderator' }))).toEqual({ ok: true, user: { id: 'u1', name: 'Ada', role: 'moderator' } });
  });

  it.each([
    ['another room', () => sign({ room: 'elsewhere' }), /another room/],
    ['expired', () => sign({ exp: nowSeconds - 60 }), /expired/],
    ['no room', () => sign({ room: undefined }), /room/],
    ['an unknown role', () => sign({ role: 'admin' }), /invalid claims/],
    ['a user id with spaces', () => sign({ sub: 'a b' }), /invalid claims/],
    ['another key with the same kid', () => sign({}, otherKey), /signature/],
    ['no kid', () => sign({}, undefined, { alg: 'ES256' }), /kid/],
    ['alg none', async () => `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`, /malformed|algorithm/],
  ])('refuses %s with 401', async (_label, make, reason) => {
    const result = await verify(await make());
    expect(result).toMatchObject({ ok: false, status: 401 });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('answers 503 when the key set is broken', async () => {
    expect(await verifyChatToken(await sign(), { jwks: { keys: 'x' } as never, now, room: 'lobby' })).toMatchObject({ ok: false, status: 503 });
  });
});
