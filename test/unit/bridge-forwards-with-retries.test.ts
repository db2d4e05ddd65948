import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BridgeStoppedError, createEdgeForwarder } from '../../origin/src/bridge/edge-forwarder.ts';
import { backoffDelayMs, verdictForStatus } from '../../origin/src/bridge/retry-policy.ts';

const delivery = { room: 'channel-1', event: { id: 'evt_1', type: 'stream.online', at: '2026-03-01T12:00:00.000Z', data: {} } };
const log = pino({ level: 'silent' });

/** A fetch that answers the scripted statuses in turn (then 200), recording every request. */
function scriptedFetch(statuses: Array<number | 'network'>, answer = { delivered: 1, duplicate: false }) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fake = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const status = statuses.shift() ?? 200;
    if (status === 'network') throw new TypeError('fetch failed');
    return new Response(status === 200 ? JSON.stringify(answer) : 'nope', { status, headers: status === 429 ? { 'retry-after': '0' } : {} });
  }) as typeof fetch;
  return { fake, calls };
}

const forwarderWith = (fake: typeof fetch) =>
  createEdgeForwarder({ edgeUrl: 'http://edge.test', internalSecret: 's3cret', log, fetch: fake, backoff: { baseMs: 1, maxMs: 5 } });

describe('bridge retry policy', () => {
  it('retries 5xx, 408, 429 and no answer; gives up on other 4xx', () => {
    expect([200, 204].map(verdictForStatus)).toEqual(['accepted', 'accepted']);
    expect([0, 408, 429, 500, 502, 503].map(verdictForStatus)).toEqual(Array(6).fill('retry'));
    expect([400, 401, 403, 404, 413].map(verdictForStatus)).toEqual(Array(5).fill('give_up'));
  });

  it('doubles the wait up to the ceiling, with jitter in the upper half', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 20].map((attempt) => backoffDelayMs(attempt, policy, 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(3, policy, 0)).toBe(200);
    expect(backoffDelayMs(1, policy, 0, 30)).toBe(1000); // Retry-After honoured, within the ceiling
  });
});

describe('bridge forwarder', () => {
  it('posts {id,type,at,data} to /internal/rooms/{room}/events with the bearer secret, retrying until the edge takes it', async () => {
    const { fake, calls } = scriptedFetch([503, 'network', 429, 502]);
    const outcome = await forwarderWith(fake).forward(delivery, { signal: new AbortController().signal });
    expect(outcome).toEqual({ kind: 'delivered', duplicate: false, attempts: 5 });
    expect(calls).toHaveLength(5);
    expect(calls[0]!.url).toBe('http://edge.test/internal/rooms/channel-1/events');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer s3cret');
    expect(JSON.parse(String(calls[4]!.init.body))).toEqual(delivery.event);
  });

  it('reports a duplicate the room already had', async () => {
    const { fake } = scriptedFetch([], { delivered: 0, duplicate: true });
    expect(await forwarderWith(fake).forward(delivery, { signal: new AbortController().signal })).toMatchObject({ kind: 'delivered', duplicate: true });
  });

  it('gives up on a 4xx other than 429 after one attempt', async () => {
    const { fake, calls } = scriptedFetch([401]);
    expect(await forwarderWith(fake).forward(delivery, { signal: new AbortController().signal })).toMatchObject({ kind: 'rejected', status: 401, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('calls beforeWait between attempts and throws BridgeStoppedError once stopped', async () => {
    const { fake } = scriptedFetch(Array(1000).fill(503));
    const stop = new AbortController();
    const waits: number[] = [];
    const forwarding = forwarderWith(fake).forward(delivery, {
      signal: stop.signal,
      beforeWait: (attempt) => {
        waits.push(attempt);
        if (attempt === 3) stop.abort();
      },
    });
    await expect(forwarding).rejects.toBeInstanceOf(BridgeStoppedError);
    expect(waits).toEqual([1, 2, 3]);
  });
});
