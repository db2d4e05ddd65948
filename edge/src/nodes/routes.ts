import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NODE_TTL_SECONDS, NodeHeartbeat } from '../../../contracts/nodes.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { requireInternalSecret } from '../http/internal-auth.ts';
import { jsonBody } from '../http/json-body.ts';
import { listNodes, recordHeartbeat } from './registry.ts';

/** `/internal/nodes`: the CDN node registry, written by node agents' heartbeats, read by the origin and tools. */
export const nodeRoutes = new Hono<EdgeApp>();

nodeRoutes.use('*', requireInternalSecret());

nodeRoutes.post(
  '/heartbeat',
  bodyLimit({
    maxSize: 4 * 1024,
    onError: () => {
      throw new EdgeError(413, 'too_large', 'a heartbeat body is limited to 4 KiB');
    },
  }),
  jsonBody(NodeHeartbeat),
  async (c) => {
    const node = await recordHeartbeat(c.env.NODES, c.req.valid('json'), Date.now());
    return c.json({ node, ttlSeconds: NODE_TTL_SECONDS });
  },
);

nodeRoutes.get('/', async (c) => {
  const nodes = await listNodes(c.env.NODES);
  return c.json({ nodes }, 200, { 'Cache-Control': 'no-store' });
});
