import { Hono } from 'hono';
import { RoomName } from '../../../contracts/chat.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';

/** `/rooms/{room}/ws`: checks the request, then hands the socket to the room's Durable Object. */
export const roomRoutes = new Hono<EdgeApp>();

roomRoutes.get('/:room/ws', async (c) => {
  const room = c.req.param('room');
  if (!RoomName.safeParse(room).success) {
    throw new EdgeError(400, 'invalid_room', 'room must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
  }
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new EdgeError(426, 'upgrade_required', 'this route only speaks WebSocket: send `Upgrade: websocket`', { Upgrade: 'websocket' });
  }
  // TODO(issue 6): verify the chat JWT from `?token=` (jose, keys from KV `jwks`) and forward the verified user to the room.
  // Until then every socket is an anonymous placeholder user — there is deliberately no token check here yet.
  const stub = c.env.CHAT_ROOMS.get(c.env.CHAT_ROOMS.idFromName(room));
  return stub.fetch(c.req.raw);
});
