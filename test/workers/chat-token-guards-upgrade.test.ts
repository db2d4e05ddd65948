import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { chatToken, installTestKeys } from './chat-keys.ts';
import { edgeFetch, openRoom, uniqueRoom, upgradeToRoom } from './helpers.ts';

async function refusal(response: Response) {
  return { status: response.status, ...ApiErrorBody.parse(await response.json()).error };
}

describe('GET /rooms/:room/ws with a chat token', () => {
  it('joins with a valid token: history first, then presence, and messages carry the token user', async () => {
    const room = uniqueRoom('join');
    const client = await openRoom(room, { user: { id: 'mod-1', name: 'Grace', role: 'moderator' } });
    expect(await client.next('history')).toEqual({ type: 'history', messages: [], lastSeq: 0, truncated: false });
    expect(await client.next('presence')).toEqual({ type: 'presence', count: 1 });
    client.sendJson({ type: 'send', text: 'hi', nonce: 'n' });
    expect((await client.next('message')).user).toEqual({ id: 'mod-1', name: 'Grace', role: 'moderator' });
    await client.close();
  });

  it.each([
    ['no token', async () => undefined],
    ['garbage', async () => 'not.a.jwt'],
    ['an expired token', async (room: string) => chatToken(room, {}, { exp: Math.floor(Date.now() / 1000) - 120 })],
    ['a token for another room', async () => chatToken('some-other-room')],
    ['an unknown kid', async (room: string) => chatToken(room, {}, {}, 'retired-key')],
    ['a role that does not exist', async (room: string) => chatToken(room, {}, { role: 'admin' })],
    ['no name', async (room: string) => chatToken(room, {}, { name: undefined })],
  ])('refuses %s with 401 JSON before the upgrade', async (_label, makeToken) => {
    const room = uniqueRoom('deny');
    await installTestKeys();
    const token = await makeToken(room);
    const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
    const response = await edgeFetch(`/rooms/${room}/ws${query}`, { headers: { Upgrade: 'websocket' } });
    expect(response.webSocket).toBeNull();
    expect(await refusal(response)).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('says why: expired and other-room tokens name their reason', async () => {
    const room = uniqueRoom('why');
    const expired = await upgradeToRoom(room, { token: await chatToken(room, {}, { exp: Math.floor(Date.now() / 1000) - 120 }) });
    expect((await refusal(expired)).message).toMatch(/expired/);
    const elsewhere = await upgradeToRoom(room, { token: await chatToken('elsewhere') });
    expect((await refusal(elsewhere)).message).toMatch(/another room/);
  });

  it('refuses an unknown protocol version and a malformed since (400)', async () => {
    const room = uniqueRoom('params');
    const token = await chatToken(room);
    for (const [query, code] of [[`v=3`, 'unsupported_version'], [`v=0`, 'unsupported_version'], ['since=-1', 'invalid_since'], ['since=abc', 'invalid_since']] as const) {
      const response = await edgeFetch(`/rooms/${room}/ws?token=${token}&${query}`, { headers: { Upgrade: 'websocket' } });
      expect(await refusal(response), query).toMatchObject({ status: 400, code });
    }
    for (const version of ['1', '2']) {
      const accepted = await edgeFetch(`/rooms/${room}/ws?token=${token}&v=${version}`, { headers: { Upgrade: 'websocket' } });
      expect(accepted.status, `v=${version}`).toBe(101);
      accepted.webSocket?.accept();
      accepted.webSocket?.close(1000, 'done');
    }
  });

  it('ignores a user header sent by the client: identity comes only from the token', async () => {
    const room = uniqueRoom('spoof');
    await installTestKeys();
    const token = await chatToken(room, { id: 'viewer-1', name: 'Vi' });
    const response = await edgeFetch(`/rooms/${room}/ws?token=${token}`, {
      headers: { Upgrade: 'websocket', 'X-Vora-Chat-User': JSON.stringify({ id: 'boss', name: 'Boss', role: 'broadcaster' }) },
    });
    const socket = response.webSocket!;
    const frames: { type: string; user?: unknown }[] = [];
    socket.addEventListener('message', (event) => {
      frames.push(JSON.parse(String(event.data)));
    });
    socket.accept();
    socket.send(JSON.stringify({ type: 'send', text: 'who am i', nonce: 'n' }));
    await expect.poll(() => frames.find((frame) => frame.type === 'message')?.user).toEqual({ id: 'viewer-1', name: 'Vi', role: 'viewer' });
    socket.close(1000, 'done');
  });

  it('the room object refuses an upgrade that did not come through the edge (no verified user)', async () => {
    const { env } = await import('cloudflare:workers');
    const stub = env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(uniqueRoom('direct')));
    const response = await stub.fetch('https://room/', { headers: { Upgrade: 'websocket' } });
    expect(response.status).toBe(401);
  });
});
