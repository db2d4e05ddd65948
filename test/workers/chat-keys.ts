import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { ChatRole } from '../../contracts/chat.ts';

/** The chat user a test token names; the room comes from the socket's URL unless `room` is set. */
export interface TestUser {
  id?: string;
  name?: string;
  role?: ChatRole;
}

let keys: Promise<{ privateKey: CryptoKey; jwksJson: string }> | null = null;

/** One ES256 key pair per test file; its public JWK is what KV `jwks` holds. */
function testKeys() {
  keys ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'chat-test-1', alg: 'ES256', use: 'sig' };
    return { privateKey, jwksJson: JSON.stringify({ keys: [jwk] }) };
  })();
  return keys;
}

/** Puts this file's public key into KV `jwks` (storage is shared by all files of a run, so each file writes its own before use). */
export async function installTestKeys(): Promise<void> {
  await env.KEYS.put('jwks', (await testKeys()).jwksJson);
}

/** A playback token signed with the same test key (both kinds verify against KV `jwks`); `claims` as the origin writes them. */
export async function playbackToken(claims: JWTPayload & { sub: string }): Promise<string> {
  const { privateKey } = await testKeys();
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 600, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'chat-test-1' }).sign(privateKey);
}

/** A chat token signed with the test key; `claims` override anything (e.g. `exp` in the past, another `room`). */
export async function chatToken(room: string, user: TestUser = {}, claims: JWTPayload = {}, kid = 'chat-test-1'): Promise<string> {
  const { privateKey } = await testKeys();
  const payload = {
    sub: user.id ?? `user-${crypto.randomUUID().slice(0, 8)}`,
    name: user.name ?? 'Test User',
    role: user.role ?? 'viewer',
    room,
    exp: Math.floor(Date.now() / 1000) + 600,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey);
}
