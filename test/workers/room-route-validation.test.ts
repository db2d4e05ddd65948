import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { edgeFetch, upgradeToRoom } from './helpers.ts';

describe('GET /rooms/:room/ws', () => {
  it.each([
    ['too long', 'a'.repeat(65)],
    ['a dot', 'room.name'],
    ['an encoded space', 'room%20name'],
    ['an encoded slash', 'a%2Fb'],
  ])('refuses a room name with %s (400)', async (_label, room) => {
    const response = await edgeFetch(`/rooms/${room}/ws`, { headers: { Upgrade: 'websocket' } });
    expect(response.status).toBe(400);
    expect(ApiErrorBody.parse(await response.json()).error.code).toBe('invalid_room');
  });

  it('accepts the longest legal room name', async () => {
    const response = await upgradeToRoom('a'.repeat(64));
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close(1000, 'done');
  });

  it('answers 426 with Upgrade: websocket to a plain GET', async () => {
    const response = await edgeFetch('/rooms/lobby/ws');
    expect(response.status).toBe(426);
    expect(response.headers.get('Upgrade')).toBe('websocket');
    expect(ApiErrorBody.parse(await response.json()).error.code).toBe('upgrade_required');
  });

  it('the room object itself also refuses a non-WebSocket request', async () => {
    const stub = env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName('direct'));
    const response = await stub.fetch('https://room/');
    expect(response.status).toBe(426);
  });
});
