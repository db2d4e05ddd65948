import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyPlaybackToken } from '../../edge/src/playback/claims.ts';
import { verifyChatToken } from '../../edge/src/rooms/chat-token.ts';
import { mintChatToken } from '../../origin/src/keys/chat-token.ts';
import { mintPlaybackToken } from '../../origin/src/keys/playback-token.ts';

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

describe('playback tokens minted by the origin', () => {
  it('verify at the edge with the public key set, carrying the access rules', async () => {
    const key = await keyPair('key_a');
    const now = Date.now();
    const { token, expiresAt } = await mintPlaybackToken(key, { videoId: 'vid_1', ttlSeconds: 600, countries: { allow: ['FR', 'DE'] }, maxHeight: 720 }, now);
    expect(expiresAt.getTime()).toBe((Math.floor(now / 1000) + 600) * 1000);
    const verified = await verifyPlaybackToken(token, { jwks: { keys: [key.publicJwk] }, now, videoId: 'vid_1', country: 'FR' });
    expect(verified).toMatchObject({ ok: true, claims: { sub: 'vid_1', maxHeight: 720 } });
    const elsewhere = await verifyPlaybackToken(token, { jwks: { keys: [key.publicJwk] }, now, videoId: 'vid_1', country: 'US' });
    expect(elsewhere).toMatchObject({ ok: false, status: 403 });
  });

  it('stop verifying once the key is rotated out of the set, and once expired', async () => {
    const key = await keyPair('key_old');
    const other = await keyPair('key_new');
    const now = Date.now();
    const { token } = await mintPlaybackToken(key, { videoId: 'vid_1', ttlSeconds: 60 }, now);
    expect(await verifyPlaybackToken(token, { jwks: { keys: [other.publicJwk] }, now })).toMatchObject({ ok: false, status: 401 });
    expect(await verifyPlaybackToken(token, { jwks: { keys: [key.publicJwk] }, now: now + 120_000 })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses to mint claims the edge would reject', async () => {
    const key = await keyPair('key_a');
    await expect(mintPlaybackToken(key, { videoId: '../etc', ttlSeconds: 60 })).rejects.toThrow(/sub/);
    await expect(mintPlaybackToken(key, { videoId: 'vid_1', ttlSeconds: 60, ipRanges: ['not a range'] })).rejects.toThrow(/CIDR/);
  });
});

describe('chat tokens minted by the origin', () => {
  it('open exactly their room at the edge, as the user and role they name', async () => {
    const key = await keyPair('key_chat');
    const now = Date.now();
    const { token } = await mintChatToken(key, { room: 'video-vid_1', userId: 'u_42', name: 'Ada', role: 'moderator', ttlSeconds: 300 }, now);
    const jwks = { keys: [key.publicJwk] };
    const opened = await verifyChatToken(token, { jwks, now, room: 'video-vid_1' });
    expect(opened).toMatchObject({ ok: true, user: { id: 'u_42', name: 'Ada', role: 'moderator' } });
    expect(await verifyChatToken(token, { jwks, now, room: 'video-vid_2' })).toMatchObject({ ok: false, status: 401 });
  });
});
