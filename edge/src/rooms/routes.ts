import { Hono } from 'hono';
import { CHAT_PROTOCOL_VERSION, CHAT_USER_HEADER, parseSince } from '../../../contracts/chat.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { readPlaybackKeys } from '../keys/store.ts';
import { verifyChatToken } from './chat-token.ts';
import { roomStub } from './room-stub.ts';

/** `/rooms/{room}/ws?token=…[&since=SEQ][&v=1]`: verifies the chat token, then hands the socket and the user to the room. */
export const roomRoutes = new Hono<EdgeApp>();

roomRoutes.get('/:room/ws', async (c) => {
  const stub = roomStub(c.env, c.req.param('room'));
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new EdgeError(426, 'upgrade_required', 'this route only speaks WebSocket: send `Upgrade: websocket`', { Upgrade: 'websocket' });
  }
  const version = c.req.query('v');
  if (version !== undefined && version !== String(CHAT_PROTOCOL_VERSION)) {
    throw new EdgeError(400, 'unsupported_version', `this edge speaks chat protocol v${CHAT_PROTOCOL_VERSION}: connect with ?v=${CHAT_PROTOCOL_VERSION}`);
  }
  if (parseSince(c.req.query('since')) === 'invalid') throw new EdgeError(400, 'invalid_since', 'since must be a message seq (a non-negative integer)');
  const token = c.req.query('token');
  if (!token) throw new EdgeError(401, 'unauthorized', 'a chat token is required: connect with ?token=<chat JWT> (POST /v1/chat/tokens mints one)');

  // Chat tokens are signed with the same keys as playback tokens (KV `jwks`).
  const keys = await readPlaybackKeys(c.env.KEYS);
  if (!keys.ok) throw new EdgeError(keys.status, keys.code, keys.reason);
  const checked = await verifyChatToken(token, { jwks: keys.jwks, now: Date.now(), room: c.req.param('room') });
  if (!checked.ok) {
    throw new EdgeError(checked.status, checked.status === 503 ? 'bad_playback_keys' : 'unauthorized', `chat token refused: ${checked.reason}`);
  }
  // The header is always overwritten here, so a client cannot choose its own identity.
  const forwarded = new Request(c.req.raw);
  forwarded.headers.set(CHAT_USER_HEADER, JSON.stringify(checked.user));
  return stub.fetch(forwarded);
});
