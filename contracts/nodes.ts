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

/**
 * One drain or undrain that changed a node's state, as the edge records it and reports it to the origin (the
 * `node.drained` / `node.undrained` webhook). `eventId` is made once, at the edge, so however many times the
 * change is reported (the drain's answer, the push, the origin's pull) the origin stores one event.
 */
export const NodeDrainChange = z.object({
  eventId: z.string().regex(/^evt_node_[A-Za-z0-9-]{1,64}$/, 'a drain change id is evt_node_ + a UUID'),
  nodeId: NodeId,
  drained: z.boolean(),
  /** When the edge wrote it (epoch ms): reports are ingested oldest first. */
  at: z.number().int().nonnegative(),
  node: NodeRecord.nullable(),
});
export type NodeDrainChange = z.infer<typeof NodeDrainChange>;

/** At most this many changes per report (the edge's push and the origin's pull page). */
export const MAX_DRAIN_CHANGES_PER_REPORT = 100;
/** `POST {origin}/internal/node-drains` (the edge's push) and `GET {edge}/internal/nodes/drain-changes` (the origin's pull). */
export const NodeDrainReport = z.object({ changes: z.array(NodeDrainChange).max(MAX_DRAIN_CHANGES_PER_REPORT) });
export type NodeDrainReport = z.infer<typeof NodeDrainReport>;
/** `POST {edge}/internal/nodes/drain-changes/ack`: the origin stored these; the edge forgets them. */
export const NodeDrainAck = z.object({ eventIds: z.array(NodeDrainChange.shape.eventId).max(MAX_DRAIN_CHANGES_PER_REPORT) });
export type NodeDrainAck = z.infer<typeof NodeDrainAck>;

/** `drain-change:{eventId}`: a change the origin has not confirmed yet (kept DRAIN_CHANGE_TTL_SECONDS at most). */
export const drainChangeKey = (eventId: string): string => `drain-change:${eventId}`;
export const DRAIN_CHANGE_KEY_PREFIX = 'drain-change:';
/** An origin down for longer than this loses the drain events of that time (the drains themselves stay). */
export const DRAIN_CHANGE_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The answer to `POST /v1/nodes/:id/drain` and `/undrain` (the edge's `/internal/nodes/:id/…`); `node` is null while
 * it sends no heartbeats; `change` is null when the node already was in that state (no event). An older edge sends
 * no `change`.
 */
export const NodeDrainAnswer = z.object({ nodeId: NodeId, drained: z.boolean(), node: NodeRecord.nullable(), change: NodeDrainChange.nullable().optional() });
export type NodeDrainAnswer = z.infer<typeof NodeDrainAnswer>;
