import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bearerToken } from '../../../contracts/http.ts';
import { NodeId } from '../../../contracts/ids.ts';
import { NODE_TTL_SECONDS, NodeDrainAck, NodeHeartbeat, type NodeDrainAnswer, type NodeDrainChange, type NodeDrainReport } from '../../../contracts/nodes.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { requireInternalSecret, secretsEqual } from '../http/internal-auth.ts';
import { jsonBody } from '../http/json-body.ts';
import { nodeHeartbeatToken } from './node-token.ts';
import { nodeUrlRefusal, plainHttpNodesAllowed } from './node-url-policy.ts';
import { forgetDrainChanges, pendingDrainChanges, pushDrainChanges, recordDrainChange } from './drain-changes.ts';
import { listNodes, recordHeartbeat, setDrained } from './registry.ts';

/** `/internal/nodes`: the CDN node registry, written by node agents' heartbeats, read by the origin and tools. */
export const nodeRoutes = new Hono<EdgeApp>();

const unauthorized = (message: string) => new EdgeError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer' });

nodeRoutes.post(
  '/heartbeat',
  async (c, next) => {
    if (!bearerToken(c.req.header('Authorization'))) throw unauthorized('a heartbeat needs `Authorization: Bearer <node token>` (the token derived for this node id)');
    await next();
  },
  bodyLimit({
    maxSize: 4 * 1024,
    onError: () => {
      throw new EdgeError(413, 'too_large', 'a heartbeat body is limited to 4 KiB');
    },
  }),
  jsonBody(NodeHeartbeat),
  async (c) => {
    const heartbeat = c.req.valid('json');
    const secret = c.env.INTERNAL_SECRET;
    if (!secret) throw new EdgeError(500, 'misconfigured', 'INTERNAL_SECRET is not set on the edge: node tokens are derived from it');
    // Each node holds only its own token, so it can register or drain itself and no other node.
    const expected = await nodeHeartbeatToken(secret, heartbeat.id);
    if (!(await secretsEqual(bearerToken(c.req.header('Authorization'))!, expected))) {
      throw unauthorized(`wrong token for node ${heartbeat.id}: use the token derived for this node id (edge/src/nodes/node-token.ts)`);
    }
    const refusal = nodeUrlRefusal(heartbeat.url, { allowPlainHttp: plainHttpNodesAllowed(c.env.ALLOW_PLAIN_HTTP_NODES) });
    if (refusal) throw new EdgeError(422, 'insecure_node_url', refusal);
    const node = await recordHeartbeat(c.env.NODES, heartbeat, Date.now());
    return c.json({ node, ttlSeconds: NODE_TTL_SECONDS });
  },
);

nodeRoutes.get('/', requireInternalSecret(), async (c) => {
  const nodes = await listNodes(c.env.NODES);
  return c.json({ nodes }, 200, { 'Cache-Control': 'no-store' });
});

/** `GET /internal/nodes/drain-changes`: the drain changes the origin has not confirmed yet, oldest first (its pull). */
nodeRoutes.get('/drain-changes', requireInternalSecret(), async (c) => {
  return c.json({ changes: await pendingDrainChanges(c.env.NODES) } satisfies NodeDrainReport, 200, { 'Cache-Control': 'no-store' });
});

/** `POST /internal/nodes/drain-changes/ack {eventIds}`: the origin stored these changes' events. */
nodeRoutes.post('/drain-changes/ack', requireInternalSecret(), jsonBody(NodeDrainAck), async (c) => {
  const { eventIds } = c.req.valid('json');
  await forgetDrainChanges(c.env.NODES, eventIds);
  return c.json({ forgotten: eventIds.length });
});

/**
 * `POST /internal/nodes/:id/drain` and `/undrain`: operators take a node out of (and back into) rotation, through
 * the origin's `/v1/nodes` or here directly. A change of state is kept as a drain change until the origin stored
 * its webhook event; the push to the origin runs after the answer.
 */
for (const [action, drained] of [['drain', true], ['undrain', false]] as const) {
  nodeRoutes.post(`/:id/${action}`, requireInternalSecret(), async (c) => {
    const id = NodeId.safeParse(c.req.param('id'));
    if (!id.success) throw new EdgeError(400, 'invalid_node_id', id.error.issues[0]?.message ?? 'bad node id');
    const now = Date.now();
    const { wasDrained } = await setDrained(c.env.NODES, id.data, drained, now);
    const node = (await listNodes(c.env.NODES)).find((n) => n.nodeId === id.data) ?? null;
    let change: NodeDrainChange | null = null;
    if (wasDrained !== drained) {
      change = { eventId: `evt_node_${crypto.randomUUID()}`, nodeId: id.data, drained, at: now, node };
      await recordDrainChange(c.env.NODES, change);
      c.executionCtx.waitUntil(pushDrainChanges(c.env));
    }
    return c.json({ nodeId: id.data, drained, node, change } satisfies NodeDrainAnswer);
  });
}
