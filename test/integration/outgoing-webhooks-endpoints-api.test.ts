import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEndpointList, WebhookEndpointView } from '../../contracts/webhooks.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { webhookEndpointRoutes } from '../../origin/src/outgoing-webhooks/endpoint-routes.ts';
import { webhookUrlPolicy } from '../../origin/src/outgoing-webhooks/url-safety.ts';

// The endpoints API over a real (embedded PGlite) database, without HTTP servers.
let dir: string;
let sql: Sql;
let app: Hono;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vora-webhook-endpoints-'));
  sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  const log = pino({ level: 'silent' });
  app = new Hono();
  app.route('/v1/webhook-endpoints', webhookEndpointRoutes({ sql, urlPolicy: webhookUrlPolicy('127.0.0.1/32'), log }));
  app.onError(handleApiErrors(log, { event: 'unhandled_error' }));
});

afterAll(async () => {
  await sql?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown) =>
  app.request(`/v1/webhook-endpoints${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('/v1/webhook-endpoints', () => {
  it('creates an endpoint and shows its secret only in that answer', async () => {
    const created = await call('POST', '', { url: 'http://127.0.0.1:4000/hook', events: ['video.ready', 'video.*'], description: 'my app' });
    expect(created.status).toBe(201);
    const endpoint = WebhookEndpointView.parse(await created.json());
    expect(endpoint).toMatchObject({ url: 'http://127.0.0.1:4000/hook', events: ['video.ready', 'video.*'], description: 'my app', enabled: true, disabledReason: null });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const read = WebhookEndpointView.parse(await (await call('GET', `/${endpoint.id}`)).json());
    expect(read.secret).toBeUndefined();
    const list = WebhookEndpointList.parse(await (await call('GET', '')).json());
    expect(list.endpoints.map((each) => each.id)).toContain(endpoint.id);
    expect(list.endpoints.every((each) => each.secret === undefined)).toBe(true);
  });

  it('updates, disables and enables, rotates, deletes', async () => {
    const { id, secret } = WebhookEndpointView.parse(await (await call('POST', '', { url: 'http://127.0.0.1:4001/hook' })).json());
    const patched = WebhookEndpointView.parse(await (await call('PATCH', `/${id}`, { events: ['video.failed'], enabled: false })).json());
    expect(patched).toMatchObject({ events: ['video.failed'], enabled: false, disabledReason: 'disabled by the operator' });
    expect(WebhookEndpointView.parse(await (await call('PATCH', `/${id}`, { enabled: true })).json())).toMatchObject({ enabled: true, disabledReason: null });

    const rotated = WebhookEndpointView.parse(await (await call('POST', `/${id}/rotate-secret`)).json());
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    const grace = new Date(rotated.previousSecretExpiresAt!).getTime() - Date.now();
    expect(grace).toBeGreaterThan(23 * 3_600_000);
    expect(grace).toBeLessThanOrEqual(24 * 3_600_000);

    expect((await call('DELETE', `/${id}`)).status).toBe(204);
    expect((await call('GET', `/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/${id}`)).status).toBe(404);
  });

  it('refuses unsafe targets and malformed input with a named reason', async () => {
    const metadata = await call('POST', '', { url: 'http://169.254.169.254/latest/meta-data' });
    expect(metadata.status).toBe(422);
    expect(await metadata.json()).toMatchObject({ error: { code: 'unsafe_url', message: expect.stringMatching(/metadata/) } });
    expect((await call('POST', '', { url: 'http://10.0.0.5/hook' })).status).toBe(422);
    expect((await call('POST', '', { url: 'http://127.0.0.2/hook' })).status).toBe(422);
    expect((await call('POST', '', { url: 'ftp://example.com/hook' })).status).toBe(400);
    expect((await call('POST', '', { url: 'https://example.com/hook', events: ['video.'] })).status).toBe(400);
    expect((await call('POST', '', { url: 'https://example.com/hook', secret: 'mine' })).status).toBe(400);
    const { id } = WebhookEndpointView.parse(await (await call('POST', '', { url: 'https://example.com/hook' })).json());
    expect((await call('PATCH', `/${id}`, { url: 'http://192.168.1.1/' })).status).toBe(422);
    expect((await call('PATCH', `/${id}`, {})).status).toBe(400);
  });
});
