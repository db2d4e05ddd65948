import type { JSONWebKeySet } from 'jose';
import type { ChatUser } from '../../../contracts/chat.ts';
import { ChatTokenClaims } from '../../../contracts/chat-token.ts';
import { verifyJwt } from '../auth/verify-jwt.ts';

export type ChatTokenCheck = { ok: true; user: ChatUser } | { ok: false; status: 401 | 503; reason: string };

/** Who may chat in `room`: a chat JWT signed by a key of the set, for this room, not expired. Never throws. */
export async function verifyChatToken(token: string, request: { jwks: JSONWebKeySet; now: number; room: string }): Promise<ChatTokenCheck> {
  const checked = await verifyJwt(token, { jwks: request.jwks, now: request.now, schema: ChatTokenClaims, requiredClaims: ['sub', 'room'] });
  if (!checked.ok) return checked;
  const { sub, name, role, room } = checked.claims;
  // 401, not 403: a token for another room is simply not a credential here (and says nothing about that room).
  if (room !== request.room) return { ok: false, status: 401, reason: 'token is for another room' };
  return { ok: true, user: { id: sub, name, role } };
}
