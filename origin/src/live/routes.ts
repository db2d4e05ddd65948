import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CreateLiveInputBody, LiveInputId } from '../../../contracts/live-inputs.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { Sql } from '../db/sql.ts';
import { createLiveInput, deleteLiveInput, getLiveInput, listLiveInputs, rotateStreamKey, type LiveInput } from './live-input-rows.ts';
import { liveInputView, liveInputWithKey } from './live-input-view.ts';
import type { LiveNow, ReadLiveNow } from './live-now.ts';

export interface LiveInputRoutesDeps {
  sql: Sql;
  log: Logger;
  /** Base of the URLs handed out, e.g. http://127.0.0.1:8080 (read per request: known only once the server listens in tests). */
  readonly publicUrl: string;
  /** The RTMP application publishers use, e.g. rtmp://127.0.0.1:1935/live. */
  rtmpUrl: string;
  /** Current viewers and bitrate of inputs that are on (live-now.ts); without it both read null. */
  readLiveNow?: ReadLiveNow;
}

const IdParam = z.object({ id: LiveInputId });
const noLiveInput = (id: string) => new ApiError(404, `no live input ${id}`);

/** `/v1/live-inputs`: create (the key shown once), list, read, rotate the key, delete. Operator auth is applied by the caller. */
export function liveInputRoutes(deps: LiveInputRoutesDeps): Hono {
  const { sql, log } = deps;
  const urls = () => ({ mediaBaseUrl: `${deps.publicUrl}/media`, rtmpUrl: deps.rtmpUrl });
  const app = new Hono();

  app.post('/', validate('json', CreateLiveInputBody), async (c) => {
    const body = c.req.valid('json');
    const { liveInput, streamKey } = await createLiveInput(sql, { ...body, recording: body.recording === 'on' });
    log.info({ event: 'live_input_created', liveInputId: liveInput.id }, 'live input created');
    return c.json(liveInputWithKey(liveInput, streamKey, urls()), 201, { Location: `${deps.publicUrl}/v1/live-inputs/${liveInput.id}` });
  });

  const withNow = async (inputs: LiveInput[]) => {
    const now = deps.readLiveNow ? await deps.readLiveNow(inputs) : new Map<string, LiveNow>();
    return inputs.map((input) => liveInputView(input, urls(), now.get(input.id)));
  };

  app.get('/', async (c) => c.json({ liveInputs: await withNow(await listLiveInputs(sql)) }));

  app.get('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const input = await getLiveInput(sql, id);
    if (!input) throw noLiveInput(id);
    return c.json((await withNow([input]))[0]);
  });

  /** A new key; the old one is refused at the next publish. */
  app.post('/:id/rotate-key', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const rotated = await rotateStreamKey(sql, id);
    if (!rotated) throw noLiveInput(id);
    log.info({ event: 'live_input_key_rotated', liveInputId: id }, 'stream key rotated');
    return c.json(liveInputWithKey(rotated.liveInput, rotated.streamKey, urls()));
  });

  app.delete('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const deleted = await deleteLiveInput(sql, id);
    if (!deleted) throw noLiveInput(id);
    log.info({ event: 'live_input_deleted', liveInputId: id }, 'live input deleted');
    return c.body(null, 204);
  });

  return app;
}
