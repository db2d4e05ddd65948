import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { NodeRecord, nodeKey, type NodeHeartbeat } from '../../contracts/nodes.ts';
import { createEdgeApp } from '../../edge/src/app.ts';
import { nodeHeartbeatToken } from '../../edge/src/nodes/node-token.ts';
import { edgeFetch } from './helpers.ts';

const auth = () => ({ Authorization: `Bearer ${env.INTERNAL_SECRET}` });
const nodeAuth = async (nodeId: string) => ({ Authorization: `Bearer ${await nodeHeartbeatToken(env.INTERNAL_SECRET!, nodeId)}` });

function heartbeat(id: string, overrides: Partial<NodeHeartbeat> = {}): NodeHeartbeat {
  return { id, url: 'http://127.0.0.1:8081', region: 'local', capacity: 100, load: { connections: 3, egressMbps: 12.5, cpu: 0.01 }, state: 'live', ...overrides };
}

/** Posts a heartbeat with the token of the node it names, unless headers are given. */
async function postHeartbeat(body: unknown, headers?: Record<string, string>): Promise<Response> {
  const id = typeof body === 'object' && body !== null && 'id' in body ? String((body as { id: unknown }).id) : 'unknown';
  return edgeFetch('/internal/nodes/heartbeat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(headers ?? (await nodeAuth(id))) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(response: Response) {
  return ApiErrorBody.parse(await response.json()).error;
}

describe('internal auth', () => {
  it('refuses a heartbeat without a bearer token', async () => {
    const response = await postHeartbeat(heartbeat('no-auth'), {});
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect((await errorOf(response)).code).toBe('unauthorized');
    expect(await env.NODES.get(nodeKey('no-auth'))).toBeNull();
  });

  it('refuses a wrong token, the internal secret itself, another node’s token, and a non-Bearer scheme', async () => {
    const own = (await nodeAuth('bad-auth')).Authorization.slice('Bearer '.length);
    const other = (await nodeAuth('node-z')).Authorization;
    for (const header of ['Bearer wrong', `Bearer ${own}x`, `Bearer ${env.INTERNAL_SECRET}`, other, `Basic ${own}`]) {
      const response = await postHeartbeat(heartbeat('bad-auth'), { Authorization: header });
      expect(response.status, header).toBe(401);
    }
    expect(await env.NODES.get(nodeKey('bad-auth'))).toBeNull();
  });

  it('guards the node list too, which a node token does not open', async () => {
    expect((await edgeFetch('/internal/nodes')).status).toBe(401);
    expect((await edgeFetch('/internal/nodes', { headers: await nodeAuth('node-a') })).status).toBe(401);
  });
});

describe('POST /internal/nodes/heartbeat', () => {
  it('refuses a body that breaks the contract and names the fields', async () => {
    const response = await postHeartbeat({ ...heartbeat('bad-body'), capacity: 0, load: { connections: 1, egressMbps: 0, cpu: 1.5 }, state: 'sleeping', url: 'ftp://x' });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_body');
    expect(error.message).toMatch(/capacity/);
    expect(error.message).toMatch(/state/);
    expect(error.message).toMatch(/url/);
    expect(error.message).toMatch(/load/);
    expect(await env.NODES.get(nodeKey('bad-body'))).toBeNull();
  });

  it('refuses malformed JSON and a node id that could not be a KV key segment', async () => {
    expect((await postHeartbeat('{"id":', await nodeAuth('x'))).status).toBe(400);
    expect((await postHeartbeat(heartbeat('../../etc'))).status).toBe(400);
  });

  it('refuses a body over 4 KiB', async () => {
    const response = await postHeartbeat({ ...heartbeat('too-big'), padding: 'x'.repeat(5000) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('too_large');
  });

  it('stores the node with value, list metadata and seenAt, and lists it', async () => {
    const before = Date.now();
    const response = await postHeartbeat(heartbeat('node-a', { load: { connections: 70, egressMbps: 300, cpu: 0.2 } }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { node: NodeRecord; ttlSeconds: number };
    expect(body.ttlSeconds).toBe(60);
    expect(body.node.seenAt).toBeGreaterThanOrEqual(before);

    const stored = await env.NODES.getWithMetadata<NodeRecord>(nodeKey('node-a'), 'json');
    expect(stored.value).toEqual(body.node);
    expect(stored.metadata).toEqual(body.node);

    await postHeartbeat(heartbeat('node-b', { state: 'draining', region: 'eu-west' }));
    const list = await edgeFetch('/internal/nodes', { headers: auth() });
    expect(list.status).toBe(200);
    const { nodes } = (await list.json()) as { nodes: NodeRecord[] };
    const ours = nodes.filter((node) => node.nodeId === 'node-a' || node.nodeId === 'node-b');
    expect(ours.map((node) => [node.nodeId, node.state, node.load])).toEqual([
      ['node-a', 'live', 0.7],
      ['node-b', 'draining', 0.03],
    ]);
    expect(ours[0]!.report).toEqual({ connections: 70, egressMbps: 300, cpu: 0.2 });
  });

  it('takes the busier of connections over capacity and CPU as the node’s load', async () => {
    await postHeartbeat(heartbeat('node-cpu', { load: { connections: 5, egressMbps: 1, cpu: 0.9 } }));
    const stored = await env.NODES.getWithMetadata<NodeRecord>(nodeKey('node-cpu'), 'json');
    expect(stored.value?.load).toBe(0.9);
  });

  it('a second heartbeat replaces the first', async () => {
    await postHeartbeat(heartbeat('node-c', { load: { connections: 10, egressMbps: 0, cpu: 0 } }));
    await postHeartbeat(heartbeat('node-c', { load: { connections: 42, egressMbps: 0, cpu: 0 } }));
    const stored = await env.NODES.getWithMetadata<NodeRecord>(nodeKey('node-c'), 'json');
    expect(stored.value?.load).toBe(0.42);
  });

  it('skips registry keys whose metadata does not parse instead of failing the list', async () => {
    await env.NODES.put(nodeKey('garbage'), 'x', { metadata: { nodeId: 'garbage' } });
    const { nodes } = (await (await edgeFetch('/internal/nodes', { headers: auth() })).json()) as { nodes: NodeRecord[] };
    expect(nodes.some((node) => node.nodeId === 'garbage')).toBe(false);
  });
});

describe('node URLs viewers are sent to', () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const postWith = async (edgeEnv: typeof env, body: NodeHeartbeat) =>
    createEdgeApp().fetch(new Request('https://edge.test/internal/nodes/heartbeat', { method: 'POST', headers: { 'Content-Type': 'application/json', ...(await nodeAuth(body.id)) }, body: JSON.stringify(body) }), edgeEnv, ctx);

  it('refuses a plain-HTTP node that is not on loopback, names the fix, and keeps it out of the registry', async () => {
    const response = await postHeartbeat(heartbeat('node-plain', { url: 'http://node-plain.cdn.example:8081' }));
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe('insecure_node_url');
    expect(error.message).toMatch(/plain HTTP.*HTTPS.*ALLOW_PLAIN_HTTP_NODES/);
    expect(await env.NODES.get(nodeKey('node-plain'))).toBeNull();
  });

  it('takes an https:// node anywhere, and plain HTTP on loopback (npm start) or with ALLOW_PLAIN_HTTP_NODES=true', async () => {
    expect((await postHeartbeat(heartbeat('node-tls', { url: 'https://node-tls.cdn.example' }))).status).toBe(200);
    expect((await postHeartbeat(heartbeat('node-local', { url: 'http://127.0.0.1:8082' }))).status).toBe(200);
    expect((await postWith({ ...env, ALLOW_PLAIN_HTTP_NODES: 'true' }, heartbeat('node-lan', { url: 'http://192.0.2.10:8081' }))).status).toBe(200);
    expect((await postWith({ ...env, ALLOW_PLAIN_HTTP_NODES: 'no' }, heartbeat('node-lan2', { url: 'http://192.0.2.10:8081' }))).status).toBe(422);
    expect(await env.NODES.get(nodeKey('node-lan2'))).toBeNull();
  });
});

describe('operator drain', () => {
  it('takes a live node out of rotation until undrained, whatever its heartbeats say', async () => {
    await postHeartbeat(heartbeat('node-d'));
    expect((await edgeFetch('/internal/nodes/node-d/drain', { method: 'POST' })).status).toBe(401);
    const drained = await edgeFetch('/internal/nodes/node-d/drain', { method: 'POST', headers: auth() });
    expect(drained.status).toBe(200);
    await postHeartbeat(heartbeat('node-d', { state: 'live' }));
    const listed = async () => ((await (await edgeFetch('/internal/nodes', { headers: auth() })).json()) as { nodes: NodeRecord[] }).nodes.find((n) => n.nodeId === 'node-d');
    expect(await listed()).toMatchObject({ state: 'draining', drainedByOperator: true });
    expect((await edgeFetch('/internal/nodes/node-d/undrain', { method: 'POST', headers: auth() })).status).toBe(200);
    expect((await listed())?.state).toBe('live');
    expect((await edgeFetch('/internal/nodes/bad%20id/drain', { method: 'POST', headers: auth() })).status).toBe(400);
  });
});
