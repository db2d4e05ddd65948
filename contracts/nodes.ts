import { z } from 'zod';
import { idSchema, MAX_NAME_LENGTH, NodeId } from './ids.ts';

/** KV liveness bound: a node that misses heartbeats for this long disappears (60 s is KV's minimum TTL). */
export const NODE_TTL_SECONDS = 60;


const NodeUrl = z.url({ protocol: /^https?$/ }).max(512); // bounded so a record fits KV's 1024-byte list metadata
const Region = idSchema('region', MAX_NAME_LENGTH);
const NodeState = z.enum(['live', 'draining']);

/** What a node measures of itself: busy connections, egress, and host CPU as a fraction of all cores. */
export const NodeLoadReport = z.object({
  connections: z.number().int().nonnegative(),
  egressMbps: z.number().nonnegative().max(1_000_000),
  cpu: z.number().min(0).max(1),
});
export type NodeLoadReport = z.infer<typeof NodeLoadReport>;

/**
 * What a CDN node agent (edge/cdn-node/agent.ts) POSTs to the edge every few seconds, authenticated
 * with its own node token. `capacity`: how many busy connections the node is sized for.
 */
export const NodeHeartbeat = z.object({
  id: NodeId,
  url: NodeUrl,
  region: Region,
  capacity: z.number().int().positive(),
  load: NodeLoadReport,
  state: NodeState,
});
export type NodeHeartbeat = z.infer<typeof NodeHeartbeat>;

/**
 * The KV value and list metadata of `node:{nodeId}`, as node choice reads it: `load` is one figure in
 * 0..1 (the busier of connections over capacity and CPU), `seenAt` when the edge heard it (epoch ms).
 */
export const NodeRecord = z.object({
  nodeId: NodeId,
  url: NodeUrl,
  region: Region,
  capacity: z.number().int().positive(),
  load: z.number().min(0).max(1),
  state: NodeState,
  seenAt: z.number().int().nonnegative(),
  report: NodeLoadReport.optional(),
  /** Set when an operator drained the node (it may still say `live` itself). */
  drainedByOperator: z.boolean().optional(),
});
export type NodeRecord = z.infer<typeof NodeRecord>;

/** Folds a heartbeat into the record node choice uses. */
export function nodeRecordFromHeartbeat(heartbeat: NodeHeartbeat, seenAt: number): NodeRecord {
  const load = Math.min(1, Math.max(heartbeat.load.connections / heartbeat.capacity, heartbeat.load.cpu));
  return { nodeId: heartbeat.id, url: heartbeat.url, region: heartbeat.region, capacity: heartbeat.capacity, load, state: heartbeat.state, seenAt, report: heartbeat.load };
}

export const nodeKey = (nodeId: string): string => `node:${nodeId}`;
export const NODE_KEY_PREFIX = 'node:';
/** `drain:{nodeId}`: an operator's drain, kept (no expiry) until undrained, applied when nodes are listed. */
export const drainKey = (nodeId: string): string => `drain:${nodeId}`;
export const DRAIN_KEY_PREFIX = 'drain:';

/** The answer to `POST /v1/nodes/:id/drain` and `/undrain` (the edge's `/internal/nodes/:id/…`); `node` is null while it sends no heartbeats. */
export const NodeDrainAnswer = z.object({ nodeId: NodeId, drained: z.boolean(), node: NodeRecord.nullable() });
export type NodeDrainAnswer = z.infer<typeof NodeDrainAnswer>;
