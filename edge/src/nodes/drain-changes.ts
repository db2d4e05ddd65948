import { DRAIN_CHANGE_KEY_PREFIX, DRAIN_CHANGE_TTL_SECONDS, MAX_DRAIN_CHANGES_PER_REPORT, NodeDrainChange, drainChangeKey, type NodeDrainReport } from '../../../contracts/nodes.ts';

/**
 * The edge's outbox of drain changes. Every drain or undrain that changed a node is kept in KV until the origin says
 * it stored it (the `node.drained` / `node.undrained` webhook), whichever side the drain was made on: the edge pushes
 * pending changes to the origin after each drain, and the origin pulls what a push could not deliver (it was down).
 */

/** Only the time rides in the list metadata, so pending changes are ordered without reading each. */
interface ChangeMetadata {
  at: number;
}

export async function recordDrainChange(kv: KVNamespace, change: NodeDrainChange): Promise<void> {
  await kv.put(drainChangeKey(change.eventId), JSON.stringify(change), { expirationTtl: DRAIN_CHANGE_TTL_SECONDS, metadata: { at: change.at } satisfies ChangeMetadata });
}

const atOf = (key: KVNamespaceListKey<unknown>): number => {
  const at = (key.metadata as Partial<ChangeMetadata> | null)?.at;
  return typeof at === 'number' ? at : 0;
};

/** The oldest pending changes (at most one report's worth), oldest first; values that do not parse are skipped (KV is untrusted). */
export async function pendingDrainChanges(kv: KVNamespace, limit = MAX_DRAIN_CHANGES_PER_REPORT): Promise<NodeDrainChange[]> {
  const keys: KVNamespaceListKey<unknown>[] = [];
  let cursor: string | undefined;
  // Bounded like the node list: a runaway outbox must not make one request loop forever.
  for (let page = 0; page < 10; page++) {
    const listed: KVNamespaceListResult<unknown> = await kv.list({ prefix: DRAIN_CHANGE_KEY_PREFIX, ...(cursor ? { cursor } : {}) });
    keys.push(...listed.keys);
    if (listed.list_complete) break;
    cursor = listed.cursor;
  }
  const oldest = keys.sort((a, b) => atOf(a) - atOf(b) || a.name.localeCompare(b.name)).slice(0, limit);
  const values = await Promise.all(oldest.map((key) => kv.get(key.name)));
  const changes: NodeDrainChange[] = [];
  for (const value of values) {
    const parsed = value === null ? null : NodeDrainChange.safeParse(safeJson(value));
    if (parsed?.success) changes.push(parsed.data);
  }
  return changes.sort((a, b) => a.at - b.at || a.eventId.localeCompare(b.eventId));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The origin stored these: they leave the outbox. */
export async function forgetDrainChanges(kv: KVNamespace, eventIds: string[]): Promise<void> {
  await Promise.all(eventIds.map((id) => kv.delete(drainChangeKey(id))));
}

/** A push must not outlive the drain's request by much; what it could not deliver the origin pulls. */
export const DRAIN_PUSH_TIMEOUT_MS = 5_000;

/**
 * `POST {ORIGIN_URL}/internal/node-drains` with every pending change, oldest first (an older change still pending
 * goes before the new one, so the origin numbers them in order), then forgets those the origin took. Never throws.
 */
export async function pushDrainChanges(env: { NODES: KVNamespace; ORIGIN_URL: string; INTERNAL_SECRET?: string }): Promise<void> {
  const changes = await pendingDrainChanges(env.NODES);
  if (changes.length === 0 || !env.INTERNAL_SECRET) return;
  try {
    const response = await fetch(`${env.ORIGIN_URL.replace(/\/+$/, '')}/internal/node-drains`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${env.INTERNAL_SECRET}` },
      body: JSON.stringify({ changes } satisfies NodeDrainReport),
      signal: AbortSignal.timeout(DRAIN_PUSH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`origin answered ${response.status}`);
    await forgetDrainChanges(env.NODES, changes.map((change) => change.eventId));
  } catch (error) {
    console.warn(JSON.stringify({ event: 'edge.drain_change_push_deferred', pending: changes.length, cause: String(error), next: 'the origin pulls pending changes (GET /internal/nodes/drain-changes)' }));
  }
}
