import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InternalBeaconBatch, MAX_BEACON_BYTES } from '../../contracts/beacons.ts';
import { edgeFetch } from './helpers.ts';
import { makeSigner, putKeys, uniqueVideo, type Signer } from './playback-fixtures.ts';
import { waitFor } from '../support/wait.ts';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('beacon-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
afterEach(() => vi.restoreAllMocks());

/** Records what the edge forwards to the origin (`/internal/beacons`). */
function captureOrigin(status = 202): Array<{ url: string; auth: string | null; body: InternalBeaconBatch }> {
  const seen: Array<{ url: string; auth: string | null; body: InternalBeaconBatch }> = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.push({ url, auth: new Headers(init?.headers).get('Authorization'), body: InternalBeaconBatch.parse(JSON.parse(String(init?.body))) });
    return new Response(null, { status });
  });
  return seen;
}

const events = (now = Date.now()) => [
  { type: 'play', at: now - 5000, position: 0, bitrate: 800_000, rendition: '360p' },
  { type: 'stall', at: now - 3000, position: 2 },
  { type: 'stall_end', at: now - 2500, position: 2, stallMs: 500 },
];

const post = (body: unknown, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  edgeFetch('/beacon', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init });

describe('POST /beacon', () => {
  it('answers 204 and forwards enriched events with ids, country and a hashed viewer, never the IP', async () => {
    const seen = captureOrigin();
    const videoId = uniqueVideo('beacon');
    const token = await signer.sign({ sub: videoId });
    const response = await post({ sessionId: 's1', videoId, events: events() }, { Authorization: `Bearer ${token}`, 'CF-Connecting-IP': '198.51.100.23' }, { cf: { country: 'FR' } } as RequestInit);
    expect(response.status).toBe(204);
    const forwarded = await waitFor(() => seen[0], { what: 'the first forwarded beacon', timeoutMs: 2000, everyMs: 10 });
    expect(forwarded.url).toBe(`${env.ORIGIN_URL}/internal/beacons`);
    expect(forwarded.auth).toBe(`Bearer ${env.INTERNAL_SECRET}`);
    expect(forwarded.body.events.map((event) => event.type)).toEqual(['play', 'stall', 'stall_end']);
    const [first] = forwarded.body.events;
    expect(first).toMatchObject({ sessionId: 's1', videoId, country: 'FR', bitrate: 800_000, rendition: '360p' });
    expect(first!.viewerId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(forwarded.body)).not.toContain('198.51.100.23');
    expect(new Set(forwarded.body.events.map((event) => event.eventId)).size).toBe(3);
  });

  it('gives a resent beacon the same event ids, and the same viewer the same hash within a day', async () => {
    const seen = captureOrigin();
    const videoId = uniqueVideo('beacon');
    const token = await signer.sign({ sub: videoId });
    const body = { sessionId: 's2', videoId, token, events: events() };
    expect((await post(body, { 'CF-Connecting-IP': '203.0.113.9' })).status).toBe(204);
    expect((await post(body, { 'CF-Connecting-IP': '203.0.113.9' })).status).toBe(204);
    expect((await post(body, { 'CF-Connecting-IP': '203.0.113.10' })).status).toBe(204);
    await waitFor(() => seen[2], { what: 'the third forwarded beacon', timeoutMs: 2000, everyMs: 10 });
    const ids = seen.map((call) => call.body.events.map((event) => event.eventId));
    expect(ids[0]).toEqual(ids[1]);
    expect(seen[0]!.body.events[0]!.viewerId).toBe(seen[1]!.body.events[0]!.viewerId);
    expect(seen[0]!.body.events[0]!.viewerId).not.toBe(seen[2]!.body.events[0]!.viewerId);
  });

  it('still answers 204 when the origin is down (best-effort)', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('connection refused'));
    const videoId = uniqueVideo('beacon');
    const response = await post({ sessionId: 's3', videoId, token: await signer.sign({ sub: videoId }), events: events() });
    expect(response.status).toBe(204);
  });

  const refusals: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['no token', async () => post({ sessionId: 's', videoId: 'v1', events: events() }), 401, /playback token/],
    ['a token for another video', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v2' }), events: events() }), 403, /another video/],
    ['an expired token', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1', exp: Math.floor(Date.now() / 1000) - 120 }), events: events() }), 401, /expired/],
    ['an unknown event type', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1' }), events: [{ type: 'rewind', at: Date.now(), position: 0 }] }), 400, /events\.0\.type/],
    ['an unknown field', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1' }), events: events(), ip: '1.2.3.4' }), 400, /ip|Unrecognized/],
    ['no events', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1' }), events: [] }), 400, /events/],
    ['101 events', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1' }), events: Array.from({ length: 101 }, (_, i) => ({ type: 'heartbeat', at: Date.now(), position: i })) }), 400, /events/],
    ['an event two days old', async () => post({ sessionId: 's', videoId: 'v1', token: await signer.sign({ sub: 'v1' }), events: events(Date.now() - 48 * 3600_000) }), 400, /clock/],
    ['a body over 32 KiB', async () => post(JSON.stringify({ sessionId: 's', videoId: 'v1', events: [], pad: 'x'.repeat(MAX_BEACON_BYTES) })), 413, /at most/],
    ['a body that is not JSON', async () => post('{"sessionId":'), 400, /not JSON/],
  ];
  for (const [label, send, status, message] of refusals) {
    it(`refuses ${label} with ${status} and forwards nothing`, async () => {
      const seen = captureOrigin();
      const response = await send();
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
      // A good beacon after it is the marker: once that one is forwarded, a forward of the refused one would have been too.
      const marker = uniqueVideo('beacon-marker');
      expect((await post({ sessionId: 'marker', videoId: marker, token: await signer.sign({ sub: marker }), events: events() })).status).toBe(204);
      await waitFor(() => seen[0], { what: 'the marker beacon to be forwarded', timeoutMs: 2000, everyMs: 10 });
      expect(seen.map((call) => call.body.events[0]?.videoId)).toEqual([marker]);
    });
  }
});
