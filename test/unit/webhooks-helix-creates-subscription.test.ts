import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventSubSubscription } from '../../origin/src/webhooks/helix-subscriptions.ts';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: unknown }
const seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 202, body: {} };
let server: Server;
let helixUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  helixUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/helix/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const input = () => ({
  helixUrl,
  clientId: 'client-123',
  appToken: 'app-token-abc',
  type: 'stream.online',
  version: '1',
  condition: { broadcaster_user_id: '1337' },
  callback: 'https://vora.example/v1/webhooks/twitch',
  secret: 'eventsub-secret-0123',
});

describe('Helix: create EventSub subscription', () => {
  it('POSTs the webhook transport with client id and app token, and reads the 202 answer', async () => {
    seen.length = 0;
    answer = {
      status: 202,
      body: {
        data: [{ id: 'sub-1', status: 'webhook_callback_verification_pending', type: 'stream.online', version: '1', condition: { broadcaster_user_id: '1337' }, created_at: '2026-03-01T12:00:00.123456789Z', transport: { method: 'webhook', callback: 'https://vora.example/v1/webhooks/twitch' }, cost: 0 }],
        total: 1,
        total_cost: 0,
        max_total_cost: 10000,
      },
    };
    const created = await createEventSubSubscription(input());
    expect(created).toEqual({ id: 'sub-1', status: 'webhook_callback_verification_pending', type: 'stream.online', version: '1', condition: { broadcaster_user_id: '1337' }, createdAt: '2026-03-01T12:00:00.123456789Z', cost: 0 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/helix/eventsub/subscriptions' });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer app-token-abc', 'client-id': 'client-123', 'content-type': 'application/json' });
    expect(seen[0]!.body).toEqual({
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: '1337' },
      transport: { method: 'webhook', callback: 'https://vora.example/v1/webhooks/twitch', secret: 'eventsub-secret-0123' },
    });
  });

  it("names Twitch's message and the fix when the subscription is refused", async () => {
    answer = { status: 409, body: { error: 'Conflict', status: 409, message: 'subscription already exists' } };
    await expect(createEventSubSubscription(input())).rejects.toThrow(/409: subscription already exists.*already exists/);
    answer = { status: 401, body: { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' } };
    await expect(createEventSubSubscription(input())).rejects.toThrow(/401: Invalid OAuth token\) — the app token/);
  });

  it('refuses a secret Twitch would refuse, without calling Helix', async () => {
    seen.length = 0;
    await expect(createEventSubSubscription({ ...input(), secret: 'short' })).rejects.toThrow(/10-100/);
    expect(seen).toEqual([]);
  });
});
