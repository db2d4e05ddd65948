import { importJWK, SignJWT, type JWK } from 'jose';
import { ChatTokenClaims } from '../../../contracts/chat-token.ts';

export interface ChatTokenRequest {
  room: string;
  userId: string;
  name: string;
  role: ChatTokenClaims['role'];
  ttlSeconds: number;
}

/** Signs a chat token the edge accepts before the WebSocket upgrade (same keys as playback). */
export async function mintChatToken(key: { kid: string; privateJwk: JWK }, request: ChatTokenRequest, nowMs = Date.now()): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(nowMs / 1000);
  const claims = ChatTokenClaims.parse({ sub: request.userId, name: request.name, role: request.role, room: request.room, iat, exp: iat + request.ttlSeconds });
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' }).sign(privateKey);
  return { token, expiresAt: new Date(claims.exp * 1000) };
}
