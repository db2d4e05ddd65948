import { z } from 'zod';
import { TokenChatRole, UserId } from './chat.ts';
import { RoomName } from './ids.ts';

/**
 * The chat token's claims (a JWT signed ES256 or RS256 with a key whose public half is in KV `jwks`).
 * Minted by the origin (`POST /v1/chat/tokens`) or by an app with a registered key.
 */
export const ChatTokenClaims = z.object({
  /** The user id. */
  sub: UserId,
  name: z.string().min(1).max(64),
  role: TokenChatRole,
  /** The only room the token opens. */
  room: RoomName,
  exp: z.number().int(),
  nbf: z.number().int().optional(),
  iat: z.number().int().optional(),
});
export type ChatTokenClaims = z.infer<typeof ChatTokenClaims>;
