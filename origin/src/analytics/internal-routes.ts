import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { InternalBeaconBatch } from '../../../contracts/beacons.ts';
import { validate } from '../api/validate.ts';
import { bearerToken } from '../../../contracts/http.ts';
import { ApiError } from '../api/errors.ts';
import type { PlaybackEventProducer } from './producer.ts';

export interface InternalBeaconRoutesDeps {
  /** VORA_INTERNAL_SECRET, shared with the edge. */
  internalSecret: string;
  producer: PlaybackEventProducer;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `POST /internal/beacons` (mount at `/internal/beacons`): the edge's forwarded beacons → Kafka. Answers 202 even when Kafka is down. */
export function internalBeaconRoutes(deps: InternalBeaconRoutesDeps): Hono {
  if (deps.internalSecret.length < 16) throw new Error('internalBeaconRoutes needs VORA_INTERNAL_SECRET (16+ characters), the secret the edge forwards beacons with');
  const expected = digest(deps.internalSecret);
  const routes = new Hono();
  routes.use('*', async (c, next) => {
    const given = bearerToken(c.req.header('Authorization'));
    // Hashing first makes both sides equal length, so the comparison leaks neither content nor length.
    if (given === null || !timingSafeEqual(digest(given), expected)) throw new ApiError(401, 'missing or wrong bearer token: /internal routes need `Authorization: Bearer <VORA_INTERNAL_SECRET>`');
    await next();
  });
  routes.post('/', validate('json', InternalBeaconBatch), async (c) => {
    const { events } = c.req.valid('json');
    const outcome = await deps.producer.publish(events);
    return c.json({ accepted: events.length, outcome }, 202);
  });
  return routes;
}
