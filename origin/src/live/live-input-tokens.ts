import { Hono } from 'hono';
import { z } from 'zod';
import { LiveInputId } from '../../../contracts/live-inputs.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { PlaybackTokenBody, signedPlayback } from '../api/video-tokens.ts';
import type { SigningDeps } from '../keys/minting-key.ts';
import { getLiveInput } from './live-input-rows.ts';

const IdParam = z.object({ id: LiveInputId });

/**
 * `POST /v1/live-inputs/:id/token` (mount at `/v1/live-inputs`): a playback token for the live input — the same
 * body and answer as a video's — whose watch page plays whatever the input broadcasts, and waits while it is offline.
 */
export function liveInputTokenRoutes(deps: SigningDeps): Hono {
  const app = new Hono();
  app.post('/:id/token', validate('param', IdParam), validate('json', PlaybackTokenBody), async (c) => {
    const { id } = c.req.valid('param');
    const input = await getLiveInput(deps.sql, id);
    if (!input) throw new ApiError(404, `no live input ${id}`);
    return c.json(await signedPlayback(deps, { id, live: true, channel: input.channelId ?? undefined, chat: 'channel' }, c.req.valid('json')));
  });
  return app;
}
