/**
 * A drain made at the edge directly (not through the origin's /v1/nodes) is a drain change kept in KV until the
 * origin stored its webhook event: pushed to the origin after the answer, listed for the origin's pull while the
 * origin is down, forgotten once acknowledged. A drain that changes nothing is no change.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DRAIN_CHANGE_KEY_PREFIX, NodeDrainAnswer, NodeDrainReport, drainChangeKey, type NodeDrainChange } from '../../contracts/nodes.ts';
import { waitFor } from '../support/wait.ts';
import { edgeFetch } from './helpers.ts';

const auth = () => ({ Authorization: `Bearer ${env.INTERNAL_SECRET}` });

async function drain(nodeId: string, action: 'drain' | 'undrain'): Promise<NodeDrainAnswer> {
  const response = await edgeFetch(`/internal/nodes/${nodeId}/${action}`, { method: 'POST', headers: auth() });
  expect(response.status).toBe(200);
  return NodeDrainAnswer.parse(await response.json());
}

async function pendingKeys(): Promise<string[]> {
  return (await env.NODES.list({ prefix: DRAIN_CHANGE_KEY_PREFIX })).keys.map((key) => key.name).sort();
}

/** What the edge pushed to the origin's `/internal/node-drains`; each push answered with `status()`. */
function captureOrigin(status: () => number | Error): Array<{ url: string; auth: string | null; report: NodeDrainReport }> {
  const seen: Array<{ url: string; auth: string | null; report: NodeDrainReport }> = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ url, auth: new Headers(init?.headers).get('Authorization'), report: NodeDrainReport.parse(JSON.parse(String(init?.body))) });
    const answer = status();
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify({ recorded: 1 }), { status: answer });
  });
  return seen;
}

beforeEach(async () => {
  for (const name of await pendingKeys()) await env.NODES.delete(name);
});
afterEach(() => vi.restoreAllMocks());

describe('drains made at the edge directly', () => {
  it('push their change to the origin with the internal secret, and forget it once the origin took it', async () => {
    const seen = captureOrigin(() => 200);
    const answer = await drain('edge-direct-1', 'drain');
    expect(answer.change).toMatchObject({ nodeId: 'edge-direct-1', drained: true, node: null });
    const change = answer.change!;
    expect(change.eventId).toMatch(/^evt_node_[0-9a-f-]{36}$/);

    const pushed = await waitFor(() => seen[0], { what: 'the push to the origin', timeoutMs: 3000, everyMs: 10 });
    expect(pushed.url).toBe(`${env.ORIGIN_URL}/internal/node-drains`);
    expect(pushed.auth).toBe(`Bearer ${env.INTERNAL_SECRET}`);
    expect(pushed.report.changes).toEqual([change]);
    await waitFor(async () => (await env.NODES.get(drainChangeKey(change.eventId))) === null || undefined, { what: 'the change forgotten after a 200', timeoutMs: 3000, everyMs: 10 });

    // Undrained: a second change, with its own id.
    const undrained = await drain('edge-direct-1', 'undrain');
    expect(undrained.change).toMatchObject({ nodeId: 'edge-direct-1', drained: false });
    expect(undrained.change!.eventId).not.toBe(change.eventId);
    await waitFor(() => seen[1], { what: 'the undrain pushed', timeoutMs: 3000, everyMs: 10 });
    expect(seen[1]!.report.changes.map((each) => each.drained)).toEqual([false]);
  });

  it('keep the change while the origin is down; the next push carries it first, and the origin can pull and ack it', async () => {
    let originUp = false;
    const seen = captureOrigin(() => (originUp ? 200 : new Error('connection refused')));
    const first = (await drain('edge-direct-2', 'drain')).change!;
    await waitFor(() => seen[0], { what: 'the failed push', timeoutMs: 3000, everyMs: 10 });
    expect(await pendingKeys()).toEqual([drainChangeKey(first.eventId)]);

    // A 503 (the origin's DB refused) keeps it too.
    originUp = true;
    vi.restoreAllMocks();
    const refused = captureOrigin(() => 503);
    const second = (await drain('edge-direct-2', 'undrain')).change!;
    const push = await waitFor(() => refused[0], { what: 'the second push', timeoutMs: 3000, everyMs: 10 });
    expect(push.report.changes.map((change: NodeDrainChange) => change.eventId)).toEqual([first.eventId, second.eventId]);
    expect((await pendingKeys()).length).toBe(2);

    // The origin's pull: both, oldest first, then its ack makes the edge forget them.
    vi.restoreAllMocks();
    const listed = await edgeFetch('/internal/nodes/drain-changes', { headers: auth() });
    expect(listed.status).toBe(200);
    const report = NodeDrainReport.parse(await listed.json());
    expect(report.changes.map((change) => [change.eventId, change.drained])).toEqual([[first.eventId, true], [second.eventId, false]]);
    const ack = await edgeFetch('/internal/nodes/drain-changes/ack', {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ eventIds: report.changes.map((change) => change.eventId) }),
    });
    expect(ack.status).toBe(200);
    expect(await pendingKeys()).toEqual([]);
  });

  it('make no change (and no event) when the node already is in that state', async () => {
    const seen = captureOrigin(() => 200);
    expect((await drain('edge-direct-3', 'undrain')).change).toBeNull();
    const drained = await drain('edge-direct-3', 'drain');
    expect(drained.change).not.toBeNull();
    await waitFor(() => seen[0], { what: 'the push', timeoutMs: 3000, everyMs: 10 });
    await waitFor(async () => (await pendingKeys()).length === 0 || undefined, { what: 'the outbox emptied', timeoutMs: 3000, everyMs: 10 });
    const again = await drain('edge-direct-3', 'drain');
    expect(again).toMatchObject({ drained: true, change: null });
    expect(await pendingKeys()).toEqual([]);
  });

  it('guard the outbox with the internal secret and refuse a malformed ack', async () => {
    expect((await edgeFetch('/internal/nodes/drain-changes')).status).toBe(401);
    expect((await edgeFetch('/internal/nodes/drain-changes/ack', { method: 'POST', body: '{"eventIds":[]}' })).status).toBe(401);
    const bad = await edgeFetch('/internal/nodes/drain-changes/ack', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ eventIds: ['drain:edge-direct-4'] }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/eventIds/);
  });
});
