import { NODE_KEY_PREFIX, NODE_TTL_SECONDS, NodeRecord, nodeKey, nodeRecordFromHeartbeat, type NodeHeartbeat } from '../../../contracts/nodes.ts';

/** Stores the heartbeat as both value and list metadata, so listing nodes needs no per-key reads. */
export async function recordHeartbeat(kv: KVNamespace, heartbeat: NodeHeartbeat, now: number): Promise<NodeRecord> {
  const record = nodeRecordFromHeartbeat(heartbeat, now);
  await kv.put(nodeKey(record.nodeId), JSON.stringify(record), { expirationTtl: NODE_TTL_SECONDS, metadata: record });
  return record;
}

/** Upper bound on list pages (1000 keys each): a runaway registry must not make one request loop forever. */
const MAX_LIST_PAGES = 20;

/**
 * Every node whose heartbeat has not expired, `live` and `draining` alike (choosing among them is the
 * playback code's job). Keys whose metadata does not parse are skipped: KV content is untrusted too.
 */
export async function listNodes(kv: KVNamespace): Promise<NodeRecord[]> {
  const nodes: NodeRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const listed: KVNamespaceListResult<unknown> = await kv.list({ prefix: NODE_KEY_PREFIX, ...(cursor ? { cursor } : {}) });
    for (const key of listed.keys) {
      const parsed = NodeRecord.safeParse(key.metadata);
      if (parsed.success) nodes.push(parsed.data);
    }
    if (listed.list_complete) break;
    cursor = listed.cursor;
  }
  return nodes.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
}
