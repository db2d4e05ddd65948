import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RestreamTargetId, RestreamTargetStatusReport } from '../../../contracts/live-inputs.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';
import { restreamStatusWebhookEvent } from '../outgoing-webhooks/resource-events.ts';
import { openRestreamTarget, recordRestreamStatus } from './restream-target-rows.ts';

const IdParam = z.object({ id: RestreamTargetId });
const noTarget = (id: string) => new ApiError(404, `no restream target ${id}: it or its live input was deleted`);

/**
 * What the restream activity (transcoder/src/live/restream-activity.ts) asks at run time, behind the internal secret
 * of the routes it is mounted in: a target's URL and key (so keys never sit in Temporal history), and where its push stands.
 */
export function restreamInternalRoutes(deps: { sql: Sql; sealed: SealedSecrets; log: Logger; events?: Pick<WebhookEventEmitter, 'emit'> }): Hono {
  const app = new Hono();
  app.get('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const target = await openRestreamTarget(deps.sql, deps.sealed, id);
    if (!target) throw noTarget(id);
    return c.json(target);
  });
  app.put('/:id/status', validate('param', IdParam), validate('json', RestreamTargetStatusReport), async (c) => {
    const { id } = c.req.valid('param');
    const report = c.req.valid('json');
    const recorded = await recordRestreamStatus(deps.sql, id, report);
    if (!recorded) throw noTarget(id);
    deps.log.info({ event: 'restream_status', restreamTargetId: id, liveInputId: recorded.liveInputId, ...report }, `restream target ${report.status}`);
    const { target } = recorded;
    // Only what an operator acts on, and only on a change: a retry that fails the same way again sends nothing new.
    if (recorded.changed && (target.status === 'live' || target.status === 'failed')) {
      await deps.events?.emit(restreamStatusWebhookEvent(recorded.liveInputId, { ...target, status: target.status, statusChangedAt: target.statusChangedAt.toISOString() }));
    }
    return c.body(null, 204);
  });
  return app;
}
