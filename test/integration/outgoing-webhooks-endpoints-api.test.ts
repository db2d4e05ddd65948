import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEndpointList, WebhookEndpointView } from '../../contracts/webhooks.ts';
import { handleApiErrors } from '../../origin/src/api/errors.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { webhookEndpointRoutes } from '../../origin/src/outgoing-webhooks/endpoint-routes.ts';
import { webhookUrlPolicy } from '../../origin/src/outgoing-webhooks/url-safety.ts';
import { getWebhookEndpoint, openSigningSecrets, sealClearWebhookSecrets } from '../../origin/src/outgoing-webhooks/endpoint-store.ts';
import { newWebhookSecret, signingSecrets, webhookRequestHeaders } from '../../origin/src/outgoing-webhooks/signing.ts';
import { sealedSecrets } from '../../origin/src/db/sealed-secrets.ts';
import { fakeSecrets } from '../support/secrets.ts';

// The endpoints API over a real (embedded PGlite) database, without HTTP servers.
let dir: string;
let sql: Sql;
let app: Hono;
const sealed = sealedSecrets(fakeSecrets().secretsKey);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vora-webhook-endpoints-'));
  sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  const log = pino({ level: 'silent' });
  app = new Hono();
  app.route('/v1/webhook-endpoints', webhookEndpointRoutes({ sql, urlPolicy: webhookUrlPolicy('127.0.0.1/32'), sealedSecrets: sealed, log }));
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

describe('webhook secrets at rest', () => {
  const storedRow = async (id: string) => (await sql.query<{ secret: string; previous_secret: string | null }>('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1', [id])).rows[0]!;
  /** A signed request as an attempt makes it, checked by the `standardwebhooks` library with `secret`. */
  const verifiesWith = async (id: string, secret: string) => {
    const endpoint = (await getWebhookEndpoint(sql, id))!;
    const message = { id: 'evt_at_rest', timestamp: Math.floor(Date.now() / 1000), body: '{"type":"webhook.test"}' };
    const headers = webhookRequestHeaders(message, signingSecrets(openSigningSecrets(endpoint, sealed), new Date()));
    return new Webhook(secret).verify(message.body, headers);
  };

  it('keeps only sealed text in the row, and signs so that the shown secret verifies', async () => {
    const { id, secret } = WebhookEndpointView.parse(await (await call('POST', '', { url: 'http://127.0.0.1:4002/hook' })).json());
    const row = await storedRow(id);
    expect(row.secret).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
    const key = secret!.slice('whsec_'.length);
    for (const text of [secret!, key, Buffer.from(key, 'base64').toString('hex'), Buffer.from(key, 'base64').toString('base64url')]) expect(JSON.stringify(row)).not.toContain(text);
    expect(await verifiesWith(id, secret!)).toEqual({ type: 'webhook.test' });

    const rotated = WebhookEndpointView.parse(await (await call('POST', `/${id}/rotate-secret`)).json());
    const rotatedRow = await storedRow(id);
    expect(rotatedRow.secret).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
    expect(rotatedRow.previous_secret).toBe(row.secret);
    expect(JSON.stringify(rotatedRow)).not.toContain(rotated.secret!.slice('whsec_'.length));
    // Both sign during the grace: a receiver on either secret verifies.
    expect(await verifiesWith(id, rotated.secret!)).toBeTruthy();
    expect(await verifiesWith(id, secret!)).toBeTruthy();
  });

  it('still signs with a secret stored in clear before sealing, and seals it at the next start', async () => {
    const { id } = WebhookEndpointView.parse(await (await call('POST', '', { url: 'http://127.0.0.1:4003/hook' })).json());
    const clear = newWebhookSecret();
    await sql.query('UPDATE webhook_endpoints SET secret = $2, previous_secret = NULL WHERE id = $1', [id, clear]);
    expect(await verifiesWith(id, clear)).toBeTruthy();

    expect(await sealClearWebhookSecrets(sql, sealed)).toBeGreaterThanOrEqual(1);
    const row = await storedRow(id);
    expect(row.secret).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
    expect(JSON.stringify(row)).not.toContain(clear.slice('whsec_'.length));
    expect(await verifiesWith(id, clear)).toBeTruthy();
    expect(await sealClearWebhookSecrets(sql, sealed)).toBe(0);

    // Another key does not open it: the origin says which setting changed instead of signing with garbage.
    const other = sealedSecrets(Buffer.alloc(32, 7).toString('base64'));
    const stored = (await getWebhookEndpoint(sql, id))!;
    expect(() => openSigningSecrets(stored, other)).toThrow(/VORA_SECRETS_KEY/);
  });
});

