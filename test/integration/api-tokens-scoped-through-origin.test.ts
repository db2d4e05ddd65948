// Scoped API tokens against the real origin app over HTTP (PGlite): create/list/revoke, 403 naming the scope,
// 429 for an address sending bad tokens while good ones pass, and the `vora tokens` CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenList, CreatedApiToken } from '../../contracts/api-tokens.ts';
import { createOriginApp } from '../../origin/src/app.ts';
import { verifyApiToken } from '../../origin/src/db/api-tokens.ts';
import { ensureBootstrapToken } from '../../origin/src/db/bootstrap-token.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import type { TusUploads } from '../../origin/src/uploads/tus-server.ts';
import { runCli } from './support/cli-stack.ts';

const BOOTSTRAP = 'vora_bootstrap-token-for-the-scopes-test-0123456789';
const unreached = (what: string) => () => {
  throw new Error(`${what} is not reached by the routes this test calls`);
};

let dir = '';
let sql: Sql;
let server: ServerType;
let url = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vora-api-tokens-'));
  sql = await openDatabase({ pgliteDir: join(dir, 'db') });
  await ensureBootstrapToken(sql, BOOTSTRAP);
  const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
  // Only routes that stop at the scope check, list from the DB or answer 404 are called: storage and Kafka are never reached.
  const app = createOriginApp({
    log,
    healthChecks: [],
    api: {
      verifyToken: (token) => verifyApiToken(sql, token),
      uploads: { handle: unreached('TUS'), cleanUpExpired: async () => 0, expirationMs: 0 } as unknown as TusUploads,
      keys: { sql, sync: { push: unreached('the edge key push') } as never, edgeUrl: 'http://127.0.0.1:9' },
      videos: { sql, s3: new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }), buckets: { raw: 'vora-raw', media: 'vora-media' }, events: { publish: unreached('Kafka') }, log, publicUrl: 'http://127.0.0.1', grantTtlSeconds: 60 },
    },
  });
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  if (server) {
    const closed = new Promise((resolve) => server.close(resolve));
    (server as import('node:http').Server).closeAllConnections();
    await closed;
  }
  await sql?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe('scoped API tokens through the origin', () => {
  it('the bootstrap token is admin: it creates a scoped token, shown once and stored hashed', async () => {
    const created = await call('POST', '/v1/api-tokens', BOOTSTRAP, { name: 'website', scopes: ['videos:read'] });
    expect(created.status).toBe(201);
    const { token, apiToken } = CreatedApiToken.parse(await created.json());
    expect(apiToken).toMatchObject({ name: 'website', scopes: ['videos:read'], revokedAt: null });

    const listed = ApiTokenList.parse(await (await call('GET', '/v1/api-tokens', BOOTSTRAP)).json());
    expect(listed.tokens.find((t) => t.name === 'bootstrap (VORA_API_TOKEN)')?.scopes).toEqual(['admin']);
    expect(listed.tokens.find((t) => t.id === apiToken.id)?.scopes).toEqual(['videos:read']);
    const raw = JSON.stringify(listed) + JSON.stringify((await sql.query('SELECT * FROM api_tokens')).rows);
    expect(raw).not.toContain(token.slice(5));

    expect((await call('GET', '/v1/videos', token)).status).toBe(200);
    const write = await call('POST', '/v1/videos', token, { title: 'nope' });
    expect(write.status).toBe(403);
    expect(await errorOf(write)).toMatchObject({ code: 'missing_scope', message: expect.stringContaining('"videos:write"') });
    const admin = await call('POST', '/v1/api-tokens', token, { name: 'escalate', scopes: ['admin'] });
    expect(admin.status).toBe(403);
    expect((await errorOf(admin)).message).toContain('"admin"');
    expect((await call('GET', '/v1/keys', token)).status).toBe(403);

    const writer = CreatedApiToken.parse(await (await call('POST', '/v1/api-tokens', BOOTSTRAP, { name: 'ingest', scopes: ['videos:write'] })).json());
    expect((await call('DELETE', '/v1/videos/vid_nosuchvideo', writer.token)).status).toBe(404); // past the scope check

    const revoked = await call('DELETE', `/v1/api-tokens/${apiToken.id}`, BOOTSTRAP);
    expect(await revoked.json()).toEqual({ id: apiToken.id, revoked: true });
    expect((await call('GET', '/v1/videos', token)).status).toBe(401);
    expect((await call('DELETE', `/v1/api-tokens/${apiToken.id}`, BOOTSTRAP)).status).toBe(404);
  });

  it('refuses unknown scopes with 400 naming the field', async () => {
    const response = await call('POST', '/v1/api-tokens', BOOTSTRAP, { name: 'x', scopes: ['root'] });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/scopes/);
  });

  it('`vora tokens create | ls | revoke` with the bootstrap token', async () => {
    const env = { VORA_ORIGIN_URL: url, VORA_API_TOKEN: BOOTSTRAP, VORA_HOME: join(dir, 'home') };
    const created = await runCli(['tokens', 'create', '--scopes', 'videos:read,keys', '--name', 'ci', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const { token, apiToken } = CreatedApiToken.parse(JSON.parse(created.stdout));
    expect(apiToken.scopes).toEqual(['videos:read', 'keys']);
    expect((await call('GET', '/v1/keys', token)).status).toBe(200);

    const listed = await runCli(['tokens', 'ls'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${apiToken.id}\\s+ci\\s+videos:read,keys`));
    expect(listed.stdout).not.toContain(token);

    const bad = await runCli(['tokens', 'create', '--scopes', 'videos:read,root'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown scope "root"/);

    const revoked = await runCli(['tokens', 'revoke', apiToken.id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await call('GET', '/v1/keys', token)).status).toBe(401);

    const denied = await runCli(['tokens', 'ls'], { ...env, VORA_API_TOKEN: CreatedApiToken.parse(await (await call('POST', '/v1/api-tokens', BOOTSTRAP, { name: 'r', scopes: ['videos:read'] })).json()).token });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/403.*"admin"/);
  });

  // Last: it leaves 127.0.0.1 slowed down for the rest of the window.
  it('slows an address down after repeated bad tokens (429, Retry-After) while the good token still passes', async () => {
    const statuses: number[] = [];
    let slowed: Response | null = null;
    for (let i = 0; i < 15 && slowed === null; i += 1) {
      const response = await call('GET', '/v1/videos', `vora_guess-${i}`);
      statuses.push(response.status);
      if (response.status === 429) slowed = response;
      else await response.body?.cancel();
    }
    // Earlier tests' revoked-token calls count too: at most 10 bad tokens are checked, then the address waits.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(11);
    expect(slowed?.status).toBe(429);
    expect(Number(slowed?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(slowed!)).code).toBe('rate_limited');
    expect((await call('GET', '/v1/videos', BOOTSTRAP)).status).toBe(200);

    // A good token never seen before from the slowed address gets in by honouring Retry-After (one check per second).
    const fresh = CreatedApiToken.parse(await (await call('POST', '/v1/api-tokens', BOOTSTRAP, { name: 'fresh', scopes: ['videos:read'] })).json()).token;
    let status = 0;
    for (let attempt = 0; attempt < 3 && status !== 200; attempt += 1) {
      const response = await call('GET', '/v1/videos', fresh);
      status = response.status;
      await response.body?.cancel();
      if (status === 429) await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
    }
    expect(status).toBe(200);
  });
});
