import { Hono } from 'hono';
import { z } from 'zod';
import { TokenChatRole, UserId } from '../../../contracts/chat.ts';
import { RoomName } from '../../../contracts/ids.ts';
import { mintChatToken } from '../keys/chat-token.ts';
import { mintingKey, type SigningDeps } from '../keys/minting-key.ts';
import { validate } from './validate.ts';

const ChatTokenBody = z.object({
  room: RoomName,
  userId: UserId,
  name: z.string().min(1).max(64),
  role: TokenChatRole.default('viewer'),
  ttlSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(3600),
});

/** `POST /v1/chat/tokens` (mount at `/v1/chat`): a chat token for an app's user, and the WebSocket URL that takes it. */
export function chatTokenRoutes(deps: SigningDeps): Hono {
  const app = new Hono();
  app.post('/tokens', validate('json', ChatTokenBody), async (c) => {
    const body = c.req.valid('json');
    const key = await mintingKey(deps);
    const { token, expiresAt } = await mintChatToken(key, body);
    const wsBase = deps.edgeUrl.replace(/\/$/, '').replace(/^http/, 'ws');
    return c.json({ token, expiresAt, url: `${wsBase}/rooms/${body.room}/ws?token=${token}` });
  });
  return app;
}
