import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { describeIssues } from '../../../contracts/issues.ts';
import { NodeDrainReport, type NodeDrainAck, type NodeDrainChange } from '../../../contracts/nodes.ts';
import { ApiError } from '../api/errors.ts';
import { requireInternalSecret } from '../api/internal-auth.ts';
import { validate } from '../api/validate.ts';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';
import { nodeDrainChangeWebhookEvent } from '../outgoing-webhooks/resource-events.ts';
import { repeatInBackground } from '../repeat-in-background.ts';

/**
 * Drains are made at the edge (its KV holds them), through `/v1/nodes` or at the edge directly; the edge keeps each
 * change until the origin stored its `node.drained` / `node.undrained` event. Three reports carry a change here — the
 * drain's answer (`/v1/nodes`), the edge's push (`/internal/node-drains`) and this origin's pull of what is still
 * pending — and the event id the edge gave it makes them one event.
 */

/** Stores each change's event, oldest first (so `sequence` follows the drains' order); throws when the DB refuses one. */
export async function recordNodeDrainChanges(events: Pick<WebhookEventEmitter, 'record'>, changes: NodeDrainChange[]): Promise<void> {
  const oldestFirst = [...changes].sort((a, b) => a.at - b.at || a.eventId.localeCompare(b.eventId));
  for (const change of oldestFirst) await events.record(nodeDrainChangeWebhookEvent(change));
}

/** `POST /internal/node-drains {changes}` (mount at `/internal/node-drains`): the edge's push. 200 once all are stored, so the edge forgets them. */
export function internalNodeDrainRoutes(deps: { internalSecret: string; events: Pick<WebhookEventEmitter, 'record'>; log: Logger }): Hono {
  const routes = new Hono();
  routes.use('*', requireInternalSecret(deps.internalSecret, 'internalNodeDrainRoutes'));
  routes.post(
    '/',
    bodyLimit({
      maxSize: 256 * 1024,
      onError: () => {
        throw new ApiError(413, 'a drain report is limited to 256 KiB (100 changes)');
      },
    }),
    validate('json', NodeDrainReport),
    async (c) => {
      const { changes } = c.req.valid('json');
      try {
        await recordNodeDrainChanges(deps.events, changes);
      } catch (error) {
        deps.log.warn({ event: 'node_drain_changes_not_recorded', count: changes.length, err: (error as Error).message }, 'drain changes not stored; the edge keeps them and reports them again');
        throw new ApiError(503, `the origin could not store the drain changes (${(error as Error).message}); the edge keeps them and reports them again`);
      }
      return c.json({ recorded: changes.length });
    },
  );
  return routes;
}

export interface NodeDrainPullDeps {
  /** The edge's base URL (EDGE_URL). */
  edgeUrl: string;
  internalSecret: string;
  events: Pick<WebhookEventEmitter, 'record'>;
  log: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * One pull: `GET {edge}/internal/nodes/drain-changes`, store each, then ack them so the edge forgets them. Returns how
 * many were stored; throws when the edge or the DB fails (the changes stay at the edge for the next pull).
 */
export async function pullNodeDrainChanges(deps: NodeDrainPullDeps): Promise<number> {
  const fetchEdge = deps.fetch ?? fetch;
  const base = deps.edgeUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${deps.internalSecret}`, 'content-type': 'application/json' };
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const listed = await fetchEdge(`${base}/internal/nodes/drain-changes`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (!listed.ok) throw new Error(`the edge answered ${listed.status} to GET /internal/nodes/drain-changes: ${(await listed.text()).slice(0, 200)}`);
  const report = NodeDrainReport.safeParse(await listed.json().catch(() => null));
  if (!report.success) throw new Error(`the edge's drain changes are not what the origin expects: ${describeIssues(report.error)}`);
  const { changes } = report.data;
  if (changes.length === 0) return 0;
  await recordNodeDrainChanges(deps.events, changes);
  const ack: NodeDrainAck = { eventIds: changes.map((change) => change.eventId) };
  const acked = await fetchEdge(`${base}/internal/nodes/drain-changes/ack`, { method: 'POST', headers, body: JSON.stringify(ack), signal: AbortSignal.timeout(timeoutMs) });
  await acked.body?.cancel();
  // Not acked: the next pull stores them again, which is a no-op (their event ids are stored).
  if (!acked.ok) throw new Error(`the edge answered ${acked.status} to the ack of ${changes.length} drain changes`);
  return changes.length;
}

/** Every `intervalMs` (default 10 s), pulls the drain changes the edge could not push (the origin was down, or the push failed). */
export function startNodeDrainPull(deps: NodeDrainPullDeps & { intervalMs?: number }): { stop(): Promise<void> } {
  return repeatInBackground(deps.intervalMs ?? 10_000, async () => {
    try {
      const stored = await pullNodeDrainChanges(deps);
      if (stored > 0) deps.log.info({ event: 'node_drain_changes_pulled', count: stored }, 'drain changes the edge could not push are stored');
    } catch (error) {
      deps.log.warn({ event: 'node_drain_pull_failed', err: (error as Error).message }, 'could not pull drain changes from the edge (is it up?); trying again');
    }
  });
}
