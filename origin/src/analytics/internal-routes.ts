import { Hono } from 'hono';
import { InternalBeaconBatch } from '../../../contracts/beacons.ts';
import { requireInternalSecret } from '../api/internal-auth.ts';
import { validate } from '../api/validate.ts';
import type { PlaybackEventProducer } from './producer.ts';

export interface InternalBeaconRoutesDeps {
  /** VORA_INTERNAL_SECRET, shared with the edge. */
  internalSecret: string;
  producer: PlaybackEventProducer;
}

/** `POST /internal/beacons` (mount at `/internal/beacons`): the edge's forwarded beacons → Kafka. Answers 202 even when Kafka is down. */
export function internalBeaconRoutes(deps: InternalBeaconRoutesDeps): Hono {
  const routes = new Hono();
  routes.use('*', requireInternalSecret(deps.internalSecret, 'internalBeaconRoutes'));
  routes.post('/', validate('json', InternalBeaconBatch), async (c) => {
    const { events } = c.req.valid('json');
    const outcome = await deps.producer.publish(events);
    return c.json({ accepted: events.length, outcome }, 202);
  });
  return routes;
}
