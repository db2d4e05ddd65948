import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { NodeDrainChange } from '../../contracts/nodes.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { internalNodeDrainRoutes } from '../../origin/src/nodes/drain-changes.ts';
import type { NewWebhookEvent } from '../../origin/src/outgoing-webhooks/event-store.ts';

const secret = 'node-drain-internal-secret';
const log = pino({ level: 'silent' });
const change = (n: number, drained: boolean, at: number): NodeDrainChange => ({ eventId: `evt_node_0000000${n}-aaaa-bbbb-cccc-dddddddddddd`, nodeId: 'cdn-1', drained, at, node: null });

function appWith(record: (event: NewWebhookEvent) => Promise<void>): Hono {
  const app = new Hono();
  app.route('/internal/node-drains', internalNodeDrainRoutes({ internalSecret: secret, events: { record }, log }));
  app.onError(handleApiErrors(log, { event: 'unhandled_error' }));
  return app;
}
const post = (app: Hono, body: unknown, auth = `Bearer ${secret}`) =>
  app.request('/internal/node-drains', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /internal/node-drains (the edge pushing drain changes)', () => {
  it('stores each change as its webhook event, oldest first, under the id the edge gave it', async () => {
    const stored: NewWebhookEvent[] = [];
    const app = appWith(async (event) => void stored.push(event));
    const response = await post(app, { changes: [change(2, false, 2_000), change(1, true, 1_000)] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recorded: 2 });
    expect(stored.map((event) => [event.id, event.type, event.occurredAt.getTime(), event.resourceId])).toEqual([
      [change(1, true, 0).eventId, 'node.drained', 1_000, 'node:cdn-1'],
      [change(2, false, 0).eventId, 'node.undrained', 2_000, 'node:cdn-1'],
    ]);
  });

  it('refuses a wrong secret and a malformed report, and answers 503 when the DB refuses (the edge keeps the change)', async () => {
    const stored: NewWebhookEvent[] = [];
    const app = appWith(async (event) => void stored.push(event));
    expect((await post(app, { changes: [change(1, true, 1)] }, 'Bearer wrong-secret-0123456789')).status).toBe(401);
    const malformed = await post(app, { changes: [{ ...change(1, true, 1), eventId: 'evt_other' }] });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/eventId/);
    expect(stored).toHaveLength(0);

    const down = appWith(async () => {
      throw new Error('database is closed');
    });
    const refused = await post(down, { changes: [change(1, true, 1)] });
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/database is closed.*reports them again/);
  });
});
