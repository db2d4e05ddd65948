import { KvReadCache, memoFor } from '../kv-read-cache.ts';
import { DRAIN_KEY_PREFIX, drainKey, NODE_KEY_PREFIX, NODE_TTL_SECONDS, NodeRecord, nodeKey, nodeRecordFromHeartbeat, type NodeHeartbeat } from '../../../contracts/nodes.ts';

/** Stores the heartbeat as both value and list metadata, so listing nodes needs no per-key reads. */
export async function recordHeartbeat(kv: KVNamespace, heartbeat: NodeHeartbeat, now: number): Promise<NodeRecord> {
  const record = nodeRecordFromHeartbeat(heartbeat, now);
  await kv.put(nodeKey(record.nodeId), JSON.stringify(record), { expirationTtl: NODE_TTL_SECONDS, metadata: record });
  nodeListMemo(kv).invalidate();
  return record;
}

/** Upper bound on list pages (1000 keys each): a runaway registry must not make one request loop forever. */
const MAX_LIST_PAGES = 20;

/**
 * Every node whose heartbeat has not expired, `live` and `draining` alike (choosing among them is the
 * playback code's job). Keys whose metadata does not parse are skipped: KV content is untrusted too.
 */
export async function listNodes(kv: KVNamespace): Promise<NodeRecord[]> {
  const [keys, drains] = await Promise.all([listKeys(kv, NODE_KEY_PREFIX), listKeys(kv, DRAIN_KEY_PREFIX)]);
  const drained = new Set(drains.map((key) => key.name.slice(DRAIN_KEY_PREFIX.length)));
  const nodes: NodeRecord[] = [];
  for (const key of keys) {
    const parsed = NodeRecord.safeParse(key.metadata);
    if (!parsed.success) continue;
    nodes.push(drained.has(parsed.data.nodeId) ? { ...parsed.data, state: 'draining', drainedByOperator: true } : parsed.data);
  }
  return nodes.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}

async function listKeys(kv: KVNamespace, prefix: string): Promise<KVNamespaceListKey<unknown>[]> {
  const keys: KVNamespaceListKey<unknown>[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const listed: KVNamespaceListResult<unknown> = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    keys.push(...listed.keys);
    if (listed.list_complete) break;
    cursor = listed.cursor;
  }
  return keys;
}

/** An operator's drain: viewers stop being sent to the node at once, whatever its heartbeats say. Returns whether it was drained before. */
export async function setDrained(kv: KVNamespace, nodeId: string, drained: boolean, now: number): Promise<{ wasDrained: boolean }> {
  const wasDrained = (await kv.get(drainKey(nodeId))) !== null;
  if (drained) await kv.put(drainKey(nodeId), JSON.stringify({ at: now }));
  else await kv.delete(drainKey(nodeId));
  nodeListMemo(kv).invalidate();
  return { wasDrained };
}

const nodeLists = new WeakMap<KVNamespace, KvReadCache<NodeRecord[]>>();
const nodeListMemo = (kv: KVNamespace) => memoFor(nodeLists, kv, () => listNodes(kv));

/**
 * listNodes for the playback path: a list this isolate read within `maxAgeMs` is reused (two KV lists per
 * playlist otherwise). A drain or heartbeat through this isolate applies at once, through another within `maxAgeMs`.
 */
export function listNodesMemoised(kv: KVNamespace, maxAgeMs: number, now = Date.now()): Promise<NodeRecord[]> {
  return nodeListMemo(kv).get(maxAgeMs, now);
}
