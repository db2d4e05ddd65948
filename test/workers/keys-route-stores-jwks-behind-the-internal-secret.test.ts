import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { edgeFetch } from './helpers.ts';
import { auth, makeSigner, putKeys, type Signer } from './playback-fixtures.ts';

let first: Signer;
let second: Signer;

beforeAll(async () => {
  [first, second] = await Promise.all([makeSigner('key-1'), makeSigner('key-2')]);
});

const errorOf = async (response: Response) => ApiErrorBody.parse(await response.json()).error;
const listKids = async () => ((await (await edgeFetch('/internal/keys', { headers: auth() })).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);

describe('/internal/keys auth', () => {
  it('refuses PUT and GET without the internal secret and stores nothing', async () => {
    expect((await putKeys({ keys: [first.publicJwk] }, {})).status).toBe(401);
    expect((await putKeys({ keys: [first.publicJwk] }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await edgeFetch('/internal/keys')).status).toBe(401);
    expect(await env.KEYS.get('jwks')).toBeNull();
  });
});

describe('playback before any key is pushed', () => {
  it('answers 503 naming the missing key set, and 503 for a corrupt one', async () => {
    const token = await first.sign({ sub: 'some-video' });
    const missing = await edgeFetch(`/v/${token}/master.m3u8`);
    expect(missing.status).toBe(503);
    expect(await errorOf(missing)).toMatchObject({ code: 'no_playback_keys', message: expect.stringMatching(/PUT \/internal\/keys/) });
    await env.KEYS.put('jwks', '{"keys":[{"kty":"EC","d":"x"}]}');
    const corrupt = await edgeFetch(`/v/${token}/master.m3u8`);
    expect(corrupt.status).toBe(503);
    expect((await errorOf(corrupt)).code).toBe('bad_playback_keys');
    await env.KEYS.delete('jwks');
  });
});

describe('PUT /internal/keys', () => {
  it('stores a public JWKS in KV `jwks` and GET lists its kids', async () => {
    const response = await putKeys({ keys: [first.publicJwk, second.publicJwk] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { kids: string[] }).kids).toEqual(['key-1', 'key-2']);
    const stored = JSON.parse((await env.KEYS.get('jwks'))!) as { keys: Record<string, unknown>[] };
    expect(stored.keys.map((key) => key.kid)).toEqual(['key-1', 'key-2']);
    expect(Object.keys(stored.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(await listKids()).toEqual(['key-1', 'key-2']);
  });

  it('replaces the whole set (rotation drops a key)', async () => {
    expect((await putKeys({ keys: [first.publicJwk, second.publicJwk] })).status).toBe(200);
    expect((await putKeys({ keys: [second.publicJwk] })).status).toBe(200);
    expect(await listKids()).toEqual(['key-2']);
  });

  it('refuses any key with private members, naming them, and keeps the stored set', async () => {
    expect((await putKeys({ keys: [second.publicJwk] })).status).toBe(200);
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaPrivate = { ...(await exportJWK(rsa.privateKey)), kid: 'rsa-1' };
    const cases: [string, unknown, RegExp][] = [
      ['EC private key', { keys: [first.publicJwk, first.privateJwk] }, /keys\[1\].*\bd\b/],
      ['RSA private key', { keys: [rsaPrivate] }, /d, p, q, dp, dq, qi/],
      ['public key with only d added', { keys: [{ ...first.publicJwk, d: 'AAAA' }] }, /private members \(d\)/],
      ['symmetric key', { keys: [{ kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }] }, /\bk\b/],
    ];
    for (const [label, body, message] of cases) {
      const response = await putKeys(body);
      expect(response.status, label).toBe(400);
      const error = await errorOf(response);
      expect(error.code, label).toBe('invalid_jwks');
      expect(error.message, label).toMatch(message);
    }
    expect(await listKids()).toEqual(['key-2']);
  });

  it('refuses sets that are not public ES256/RS256 keys with unique kids', async () => {
    const offCurve = { ...first.publicJwk, y: first.publicJwk.x };
    const cases: [string, unknown][] = [
      ['no keys array', { key: first.publicJwk }],
      ['missing kid', { keys: [{ ...first.publicJwk, kid: undefined }] }],
      ['duplicate kid', { keys: [first.publicJwk, { ...second.publicJwk, kid: 'key-1' }] }],
      ['HS256 alg on an EC key', { keys: [{ ...first.publicJwk, alg: 'HS256' }] }],
      ['P-384 curve', { keys: [{ ...first.publicJwk, crv: 'P-384' }] }],
      ['a point not on the curve', { keys: [offCurve] }],
    ];
    for (const [label, body] of cases) {
      const response = await putKeys(body);
      expect(response.status, label).toBe(400);
      expect((await errorOf(response)).code, label).toBe('invalid_jwks');
    }
    const malformed = await edgeFetch('/internal/keys', { method: 'PUT', headers: { 'Content-Type': 'application/json', ...auth() }, body: '{"keys":' });
    expect(malformed.status).toBe(400);
  });

  it('refuses a body over 64 KiB', async () => {
    const response = await putKeys({ keys: [first.publicJwk], padding: 'x'.repeat(70 * 1024) });
    expect(response.status).toBe(413);
  });
});
