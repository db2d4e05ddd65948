/**
 * `node.drained` / `node.undrained` end to end on the real edge (`wrangler dev`, its KV) and a real Temporal: a drain
 * made at the edge directly while the origin is down reaches the receiver once the origin is back (its pull), one made
 * there while the origin is up arrives by the edge's push, and one made through the origin's `/v1/nodes` is one event
 * although three reports carry it. Each is signed and verified with the `standardwebhooks` library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Connection, Client } from '@temporalio/client';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDrainAnswer, NodeDrainReport } from '../../contracts/nodes.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { sealedSecrets } from '../../origin/src/db/sealed-secrets.ts';
import { internalNodeDrainRoutes, pullNodeDrainChanges, startNodeDrainPull } from '../../origin/src/nodes/drain-changes.ts';
import { nodeRoutes } from '../../origin/src/nodes/routes.ts';
import { listWebhookDeliveries } from '../../origin/src/outgoing-webhooks/delivery-store.ts';
import { createWebhookDispatcher } from '../../origin/src/outgoing-webhooks/dispatcher.ts';
import { createWebhookEndpoint } from '../../origin/src/outgoing-webhooks/endpoint-store.ts';
import { createWebhookEventEmitter } from '../../origin/src/outgoing-webhooks/event-emitter.ts';
import { stackContext } from '../../stack/component.ts';
import { edgeComponent } from '../../stack/components/edge.ts';
import { temporalComponent } from '../../stack/components/temporal.ts';
import { StackRunner } from '../../stack/runner.ts';
import { freePort, testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startLocalWebhookWorker, WebhookReceiver } from './support/webhook-receiver.ts';

const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
const secrets = fakeSecrets();
const dataDir = mkdtempSync(join(tmpdir(), 'vora-node-drains-'));
const ctx = stackContext(await testPorts(import.meta.url), secrets, dataDir);
const edge = edgeComponent(ctx);
const stack = new StackRunner([temporalComponent(ctx), edge], ctx.logDir);
const internal = { authorization: `Bearer ${secrets.internalSecret}` };

let sql: Sql;
let temporal: Client;
let receiver: WebhookReceiver;
let worker: { stop(): Promise<void> } | undefined;
let originServer: ServerType | undefined;
let pull: { stop(): Promise<void> } | undefined;
let endpointId: string;

const dispatcher = () => createWebhookDispatcher({ sql, temporal, scheduleSeconds: [0, 1, 1, 1], log });

/** The origin's side of drains on the stack's origin port (the edge's ORIGIN_URL): `/internal/node-drains`, `/v1/nodes`, the pull. */
function startOrigin(): void {
  const events = createWebhookEventEmitter({ sql, dispatcher: dispatcher(), log });
  const app = new Hono();
  app.route('/internal/node-drains', internalNodeDrainRoutes({ internalSecret: secrets.internalSecret, events, log }));
  app.route('/v1/nodes', nodeRoutes({ edgeUrl: edge.url, internalSecret: secrets.internalSecret, events }));
  app.onError(handleApiErrors(log, { event: 'unhandled_error' }));
  originServer = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: ctx.ports.origin });
  pull = startNodeDrainPull({ edgeUrl: edge.url, internalSecret: secrets.internalSecret, events, log, intervalMs: 500 });
}

async function drainAtEdge(nodeId: string, action: 'drain' | 'undrain'): Promise<NodeDrainAnswer> {
  const response = await fetch(`${edge.url}/internal/nodes/${nodeId}/${action}`, { method: 'POST', headers: internal });
  expect(response.status, await response.clone().text()).toBe(200);
  return NodeDrainAnswer.parse(await response.json());
}

async function pendingAtEdge(): Promise<string[]> {
  const response = await fetch(`${edge.url}/internal/nodes/drain-changes`, { headers: internal });
  expect(response.status).toBe(200);
  return NodeDrainReport.parse(await response.json()).changes.map((change) => change.eventId);
}

beforeAll(async () => {
  await stack.start();
  temporal = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${ctx.ports.temporal}` }) });
  sql = await openDatabase({ pgliteDir: join(dataDir, 'db') });
  receiver = new WebhookReceiver(await freePort());
  await receiver.listen();
  const sealed = sealedSecrets(secrets.secretsKey);
  const created = await createWebhookEndpoint(sql, sealed, { url: `http://127.0.0.1:${receiver.port}/nodes`, events: ['node.*'], description: 'nodes' });
  receiver.secrets.set('/nodes', created.secret);
  endpointId = created.id;
  worker = await startLocalWebhookWorker({ sql, sealedSecrets: sealed, temporalPort: ctx.ports.temporal, log });
}, 180_000);

afterAll(async () => {
  await pull?.stop();
  originServer?.close();
  await worker?.stop();
  await receiver?.close();
  await temporal?.connection.close().catch(() => {});
  await sql?.close();
  await stack.stop(10_000);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('node drains send one webhook whichever side they were made on', () => {
  it('a drain at the edge while the origin is down arrives once it is back; later ones by push and through /v1/nodes, once each', async () => {
    // The origin is not listening: the edge's push meets a closed port and the change waits in KV.
    const offline = await drainAtEdge('cdn-x', 'drain');
    expect(offline.change).toMatchObject({ nodeId: 'cdn-x', drained: true });
    await waitFor(async () => (await pendingAtEdge()).includes(offline.change!.eventId) || undefined, { what: 'the change kept at the edge', timeoutMs: 10_000 });
    expect(receiver.at('/nodes')).toHaveLength(0);

    startOrigin();
    const first = await waitFor(() => receiver.at('/nodes').find((each) => each.id === offline.change!.eventId), { what: 'node.drained after the origin came back', timeoutMs: 60_000 });
    expect(first).toMatchObject({ verified: true, payload: { type: 'node.drained', sequence: 1, timestamp: new Date(offline.change!.at).toISOString(), data: { id: 'cdn-x', drained: true, node: null } } });
    await waitFor(async () => (await pendingAtEdge()).length === 0 || undefined, { what: 'the edge forgetting the pulled change', timeoutMs: 10_000 });

    // Origin up: the edge's push carries it.
    const online = await drainAtEdge('cdn-x', 'undrain');
    const second = await waitFor(() => receiver.at('/nodes').find((each) => each.id === online.change!.eventId), { what: 'node.undrained by push', timeoutMs: 60_000 });
    expect(second).toMatchObject({ verified: true, payload: { type: 'node.undrained', sequence: 2, data: { id: 'cdn-x', drained: false } } });

    // Through the origin's API: its answer, the edge's push and maybe a pull all report it; one event.
    const viaApi = await fetch(`http://127.0.0.1:${ctx.ports.origin}/v1/nodes/cdn-x/drain`, { method: 'POST' });
    expect(viaApi.status).toBe(200);
    const apiChange = NodeDrainAnswer.parse(await viaApi.json()).change!;
    const third = await waitFor(() => receiver.at('/nodes').find((each) => each.id === apiChange.eventId), { what: 'node.drained through /v1/nodes', timeoutMs: 60_000 });
    expect(third).toMatchObject({ verified: true, payload: { type: 'node.drained', sequence: 3 } });

    // A drain that changes nothing is no event.
    expect((await drainAtEdge('cdn-x', 'drain')).change).toBeNull();

    // Settled: nothing pending at the edge, a pull pass after that, every delivery ended — then count.
    await waitFor(async () => (await pendingAtEdge()).length === 0 || undefined, { what: 'an empty outbox at the edge', timeoutMs: 10_000 });
    expect(await pullNodeDrainChanges({ edgeUrl: edge.url, internalSecret: secrets.internalSecret, events: createWebhookEventEmitter({ sql, dispatcher: dispatcher(), log }), log })).toBe(0);
    await waitFor(async () => (await listWebhookDeliveries(sql, endpointId, { limit: 50 })).every((each) => each.status === 'delivered') || undefined, { what: 'every delivery delivered', timeoutMs: 30_000 });
    const deliveries = await listWebhookDeliveries(sql, endpointId, { limit: 50 });
    expect(deliveries.map((each) => each.eventId).sort()).toEqual([offline.change!.eventId, online.change!.eventId, apiChange.eventId].sort());
    const received = receiver.at('/nodes');
    expect(received.map((each) => each.id).sort()).toEqual([offline.change!.eventId, online.change!.eventId, apiChange.eventId].sort());
    const { rows } = await sql.query<{ count: string | number }>(`SELECT count(*) AS count FROM webhook_events WHERE resource_id = 'node:cdn-x'`);
    expect(Number(rows[0]!.count)).toBe(3);
  });
});
