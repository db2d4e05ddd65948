import { describe, expect, it } from 'vitest';
import { rootState, updateMessage } from '../../channel-config/chain.ts';
import { rootHash } from '../../channel-config/root.ts';
import { putConfigToEdge } from '../../origin/src/channel-config/edge-writer.ts';

async function oneMessage() {
  const held = rootState(await rootHash('writer-chan'));
  return updateMessage(held, { base: held.hash, patch: [{ op: 'replace', path: '/chat/maxLength', value: 20 }] });
}

/** The edge's 200 answers, as contracts/channel-config.ts `ConfigPutAccepted` describes them. */
const appliedAnswer = JSON.stringify({ outcome: 'applied', hash: 'b'.repeat(64), height: 1, updates: 1, room: 'channel-writer-chan' });
const unchangedAnswer = JSON.stringify({ outcome: 'unchanged', hash: 'b'.repeat(64), height: 1 });

/** A fetch that answers with `statuses` in turn (the last one repeats) and records what it was asked. */
function scriptedFetch(statuses: Array<number | 'down'>, body = appliedAnswer) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)]!;
    if (status === 'down') throw new TypeError('fetch failed: ECONNREFUSED');
    return new Response(status === 200 ? body : '{"error":{}}', { status });
  }) as unknown as typeof fetch;
  return { calls, fetchStub };
}

const options = (fetchStub: typeof fetch) => ({ edgeUrl: 'http://edge.test/', internalSecret: 's3cret', retryDelaysMs: [1, 1, 1], fetch: fetchStub });
const signal = new AbortController().signal;

describe('putConfigToEdge', () => {
  it('PUTs the message to /internal/config/:rootHash with the bearer secret and the channel', async () => {
    const message = await oneMessage();
    const { calls, fetchStub } = scriptedFetch([200]);
    expect(await putConfigToEdge(options(fetchStub), message, 'writer-chan', signal)).toEqual({ kind: 'applied', status: 200 });
    expect(calls[0]!.url).toBe(`http://edge.test/internal/config/${message.rootHash}?channel=writer-chan`);
    expect(calls[0]!.init.method).toBe('PUT');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer s3cret');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(message);
  });

  it('retries 5xx and network failures a bounded number of times', async () => {
    const message = await oneMessage();
    const recovering = scriptedFetch([503, 'down', 200]);
    expect(await putConfigToEdge(options(recovering.fetchStub), message, undefined, signal)).toEqual({ kind: 'applied', status: 200 });
    expect(recovering.calls).toHaveLength(3);
    const dead = scriptedFetch([502]);
    expect((await putConfigToEdge(options(dead.fetchStub), message, undefined, signal)).kind).toBe('unreachable');
    expect(dead.calls).toHaveLength(4);
  });

  it('reports gap, unchanged and refusals without retrying', async () => {
    const message = await oneMessage();
    for (const [status, kind] of [[409, 'gap'], [422, 'refused'], [401, 'refused'], [400, 'refused']] as const) {
      const { calls, fetchStub } = scriptedFetch([status]);
      expect((await putConfigToEdge(options(fetchStub), message, undefined, signal)).kind).toBe(kind);
      expect(calls).toHaveLength(1);
    }
    const stale = scriptedFetch([200], unchangedAnswer);
    expect(await putConfigToEdge(options(stale.fetchStub), message, undefined, signal)).toEqual({ kind: 'unchanged', status: 200 });
  });

  it('refuses, without retrying, a 200 that is not a configuration answer (the two sides disagree on the contract)', async () => {
    const message = await oneMessage();
    for (const body of ['{"outcome":"applied"}', 'OK', '{"outcome":"merged","hash":"x"}']) {
      const { calls, fetchStub } = scriptedFetch([200], body);
      const outcome = await putConfigToEdge(options(fetchStub), message, undefined, signal);
      expect(outcome).toMatchObject({ kind: 'refused', status: 200, reason: expect.stringContaining('configuration answer') });
      expect(calls).toHaveLength(1);
    }
  });
});
