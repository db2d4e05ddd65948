import { Hono, type Context } from 'hono';
import { CHAT_GUEST_HEADER, CHAT_PROTOCOL_VERSION, CHAT_USER_HEADER, parseProtocolVersion, parseSince, type ChatGuest, type ChatUser } from '../../../contracts/chat.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { readPlaybackKeys } from '../keys/store.ts';
import { viewerOf } from '../playback/viewer.ts';
import { verifyChatToken } from './chat-token.ts';
import { checkGuest } from './guest.ts';
import { roomStub } from './room-stub.ts';

/**
 * `/rooms/{room}/ws?token=<chat JWT>` (a user an app or the origin vouches for) or
 * `/rooms/{room}/ws?playback=<playback JWT>[&name=…][&viewer=…]` (anyone holding the watch link: reads, and
 * writes under a display name when the room's rules let guests write); `[&since=SEQ][&v=1|2]` for both.
 * The edge verifies the credential, then hands the socket and who it is to the room.
 */
export const roomRoutes = new Hono<EdgeApp>();

/** Who is joining, from whichever credential came; throws the refusal. */
async function joiner(c: Context<EdgeApp>, room: string): Promise<{ user: ChatUser; guest?: ChatGuest }> {
  const token = c.req.query('token');
  const playback = c.req.query('playback');
  if (!token && !playback) {
    throw new EdgeError(401, 'unauthorized', 'a credential is required: connect with ?token=<chat JWT> (POST /v1/chat/tokens) or ?playback=<the watch link\'s playback token>');
  }
  // Chat and playback tokens are signed with the same keys (KV `jwks`).
  const keys = await readPlaybackKeys(c.env.KEYS);
  if (!keys.ok) throw new EdgeError(keys.status, keys.code, keys.reason);
  if (token) {
    const checked = await verifyChatToken(token, { jwks: keys.jwks, now: Date.now(), room });
    if (!checked.ok) throw new EdgeError(checked.status, checked.status === 503 ? 'bad_playback_keys' : 'unauthorized', `chat token refused: ${checked.reason}`);
    return { user: checked.user };
  }
  const secret = c.env.INTERNAL_SECRET;
  if (!secret) throw new EdgeError(503, 'misconfigured', 'guest chat needs the edge secret INTERNAL_SECRET (it keys guest ids); set it as for /internal routes');
  const guest = await checkGuest(playback!, { jwks: keys.jwks, now: Date.now(), room, viewer: viewerOf(c.req.raw), name: c.req.query('name'), viewerId: c.req.query('viewer'), secret });
  if (!guest.ok) throw new EdgeError(guest.status, guest.code, guest.reason);
  return { user: guest.user, guest: guest.guest };
}

roomRoutes.get('/:room/ws', async (c) => {
  const room = c.req.param('room');
  const stub = roomStub(c.env, room);
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new EdgeError(426, 'upgrade_required', 'this route only speaks WebSocket: send `Upgrade: websocket`', { Upgrade: 'websocket' });
  }
  if (parseProtocolVersion(c.req.query('v')) === 'invalid') {
    throw new EdgeError(400, 'unsupported_version', `this edge speaks chat protocol v1 and v${CHAT_PROTOCOL_VERSION}: connect with ?v=${CHAT_PROTOCOL_VERSION}`);
  }
  if (parseSince(c.req.query('since')) === 'invalid') throw new EdgeError(400, 'invalid_since', 'since must be a message seq (a non-negative integer)');
  const { user, guest } = await joiner(c, room);
  // Both headers are always overwritten here, so a client can choose neither its identity nor whether it is a guest.
  const forwarded = new Request(c.req.raw);
  forwarded.headers.set(CHAT_USER_HEADER, JSON.stringify(user));
  if (guest) forwarded.headers.set(CHAT_GUEST_HEADER, JSON.stringify(guest));
  else forwarded.headers.delete(CHAT_GUEST_HEADER);
  return stub.fetch(forwarded);
});
