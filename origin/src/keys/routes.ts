import { Hono } from 'hono';
import { z } from 'zod';
import { jsonError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { Sql } from '../db/sql.ts';
import { getVideo } from '../db/videos.ts';
import type { JwksSync } from './edge-sync.ts';
import { ChatRole, UserId } from '../../../contracts/chat.ts';
import { KeyId, RoomName } from '../../../contracts/ids.ts';
import { TOKEN_ALGORITHMS } from '../../../contracts/token-signing.ts';
import { mintChatToken } from './chat-token.ts';
import { mintPlaybackToken } from './playback-token.ts';
import { createOperatorKey, deleteSigningKey, listSigningKeys, managedKey } from './signing-keys.ts';

export interface KeyRoutesDeps {
  sql: Sql;
  sync: JwksSync;
  /** Where viewers reach the edge, for the URLs handed out with tokens. */
  edgeUrl: string;
}

const CreateKeyBody = z.object({ alg: z.enum(TOKEN_ALGORITHMS).default('ES256') });
const KidParam = z.object({ kid: KeyId });
const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country codes in upper case, e.g. "FR"');
const TokenBody = z.object({
  ttlSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(3600),
  countries: z.array(Country).max(300).optional(),
  blockedCountries: z.array(Country).max(300).optional(),
  ipRanges: z.array(z.string().max(64)).max(64).optional(),
  maxHeight: z.number().int().positive().optional(),
  /** When given, the watch URL also carries a chat token for this viewer in the video's room. */
  chatUser: z.object({ id: UserId, name: z.string().min(1).max(64) }).optional(),
});
const VideoParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id is a video id such as vid_…') });

/** `/v1/keys`: signing keys for playback tokens, rotated by create + delete; the edge gets the public set. */
export function keyRoutes(deps: KeyRoutesDeps): Hono {
  const app = new Hono();

  app.post('/', validate('json', CreateKeyBody), async (c) => {
    const { key, privateJwk } = await createOperatorKey(deps.sql, c.req.valid('json').alg);
    const synced = await deps.sync.push();
    return c.json({ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateJwk, edgeSynced: synced, note: 'the private key is shown once: store it now' }, 201);
  });

  app.get('/', async (c) => {
    const keys = await listSigningKeys(deps.sql);
    return c.json({ keys: keys.map(({ kid, alg, kind, createdAt }) => ({ kid, alg, kind, createdAt })) });
  });

  app.delete('/:kid', validate('param', KidParam), async (c) => {
    const deleted = await deleteSigningKey(deps.sql, c.req.valid('param').kid);
    if (!deleted) return jsonError(c, 404, `no signing key ${c.req.valid('param').kid}`);
    const synced = await deps.sync.push();
    return c.json({ deleted: true, edgeSynced: synced });
  });

  return app;
}

/** `POST /v1/videos/:id/token`: a signed playback URL minted with the origin's managed key. */
export function playbackTokenRoutes(deps: KeyRoutesDeps): Hono {
  const app = new Hono();
  app.post('/:id/token', validate('param', VideoParam), validate('json', TokenBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const video = await getVideo(deps.sql, id);
    if (!video || video.state === 'DELETED') return jsonError(c, 404, `no video ${id}`);
    const key = await managedKey(deps.sql);
    if (key.created) await deps.sync.push();
    const countries = body.countries || body.blockedCountries ? { ...(body.countries ? { allow: body.countries } : {}), ...(body.blockedCountries ? { block: body.blockedCountries } : {}) } : undefined;
    const { token, expiresAt } = await mintPlaybackToken(key, { videoId: id, ttlSeconds: body.ttlSeconds, countries, ipRanges: body.ipRanges, maxHeight: body.maxHeight, channel: video.channelId ?? undefined });
    const edge = deps.edgeUrl.replace(/\/$/, '');
    const chat = body.chatUser ? await mintChatToken(key, { room: `video-${id}`, userId: body.chatUser.id, name: body.chatUser.name, role: 'viewer', ttlSeconds: body.ttlSeconds }) : undefined;
    const watchUrl = `${edge}/watch/${id}?token=${token}${chat ? `&chatToken=${chat.token}` : ''}`;
    return c.json({ token, expiresAt, url: `${edge}/v/${token}/master.m3u8`, watchUrl });
  });
  return app;
}

const ChatTokenBody = z.object({
  room: RoomName,
  userId: UserId,
  name: z.string().min(1).max(64),
  role: ChatRole.default('viewer'),
  ttlSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(3600),
});

/** `POST /v1/chat/tokens`: a chat token for an app's user, and the WebSocket URL that takes it. */
export function chatTokenRoutes(deps: KeyRoutesDeps): Hono {
  const app = new Hono();
  app.post('/tokens', validate('json', ChatTokenBody), async (c) => {
    const body = c.req.valid('json');
    const key = await managedKey(deps.sql);
    if (key.created) await deps.sync.push();
    const { token, expiresAt } = await mintChatToken(key, body);
    const wsBase = deps.edgeUrl.replace(/\/$/, '').replace(/^http/, 'ws');
    return c.json({ token, expiresAt, url: `${wsBase}/rooms/${body.room}/ws?token=${token}` });
  });
  return app;
}
