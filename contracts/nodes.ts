import { z } from 'zod';

/** KV liveness bound: a node that misses heartbeats for this long disappears (60 s is KV's minimum TTL). */
export const NODE_TTL_SECONDS = 60;

export const NodeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'nodeId must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

/**
 * What a CDN node agent (edge/cdn-node/agent.ts) POSTs to the edge every few seconds.
 * `capacity`: how many busy connections the node is sized for; `load`: the fraction of it in use, 0..1.
 */
export const NodeHeartbeat = z.object({
  nodeId: NodeId,
  // Bounded so the whole record fits KV's 1024-byte list metadata.
  url: z.url({ protocol: /^https?$/ }).max(512),
  region: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'region must be 1-32 characters of A-Z, a-z, 0-9, _ or -'),
  capacity: z.number().int().positive(),
  load: z.number().min(0).max(1),
  state: z.enum(['live', 'draining']),
});
export type NodeHeartbeat = z.infer<typeof NodeHeartbeat>;

/** The KV value and list metadata of `node:{nodeId}`: the heartbeat plus when the edge saw it (epoch ms). */
export const NodeRecord = NodeHeartbeat.extend({ seenAt: z.number().int().nonnegative() });
export type NodeRecord = z.infer<typeof NodeRecord>;

export const nodeKey = (nodeId: string): string => `node:${nodeId}`;
export const NODE_KEY_PREFIX = 'node:';
