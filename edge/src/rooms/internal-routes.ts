import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ChatRules, LiveEvent } from '../../../contracts/chat.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { requireInternalSecret } from '../http/internal-auth.ts';
import { jsonBody } from '../http/json-body.ts';
import { roomStub } from './room-stub.ts';

/** `/internal/rooms/{room}/…`: the origin pushes live events and room rules (Bearer INTERNAL_SECRET). */
export const internalRoomRoutes = new Hono<EdgeApp>();

internalRoomRoutes.use('*', requireInternalSecret());

const limitBody = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new EdgeError(413, 'too_large', `${what} is limited to ${maxSize / 1024} KiB`);
    },
  });

/** Broadcasts `{type:'event', event}` once per event id → `{delivered, duplicate}`. */
internalRoomRoutes.post('/:room/events', limitBody(16 * 1024, 'an event body'), jsonBody(LiveEvent), async (c) => {
  const result = await roomStub(c.env, c.req.param('room')).publishEvent(c.req.valid('json'));
  return c.json(result);
});

/** Replaces the room's rules (omitted fields take their defaults) → the rules now in force. */
internalRoomRoutes.put('/:room/rules', limitBody(32 * 1024, 'a rules body'), jsonBody(ChatRules), async (c) => {
  const rules = await roomStub(c.env, c.req.param('room')).setRules(c.req.valid('json'));
  return c.json({ rules });
});

internalRoomRoutes.get('/:room/rules', async (c) => c.json({ rules: await roomStub(c.env, c.req.param('room')).rules() }));
