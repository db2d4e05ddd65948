import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot } from '../../stack/exec.ts';
import { migrate } from '../../origin/src/db/migrate.ts';
import { schemaMigrations } from '../../origin/src/db/migrations.ts';
import { openDatabase } from '../../origin/src/db/open.ts';
import { openPostgres } from '../../origin/src/db/postgres.ts';
import { describeDatabaseContract } from './support/db-contract.ts';
import { describeProcessingTimesContract } from './support/processing-times-contract.ts';
import { freePort } from '../support/ports.ts';
import { startThrowawayPostgres, type PostgresServer } from './support/postgres-server.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-postgres-'));
let server: PostgresServer | undefined;

beforeAll(async () => {
  const started = performance.now();
  server = await startThrowawayPostgres(dir);
  console.info(`[PostgreSQL] initdb + start: ${Math.round(performance.now() - started)} ms`);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describeDatabaseContract('PostgreSQL', () => openDatabase({ databaseUrl: server!.url, pgliteDir: join(dir, 'unused') }));
describeProcessingTimesContract('PostgreSQL', () => openDatabase({ databaseUrl: server!.url, pgliteDir: join(dir, 'unused') }));

describe('PostgreSQL backend', () => {
  it('applies each migration once when two processes migrate a fresh database at once', async () => {
    const admin = new pg.Client({ connectionString: server!.url });
    await admin.connect();
    await admin.query('CREATE DATABASE migrate_race');
    await admin.end();
    const raceUrl = server!.url.replace(/\/vora$/, '/migrate_race');
    const [a, b] = await Promise.all([openPostgres(raceUrl), openPostgres(raceUrl)]);
    try {
      const applied = await Promise.all([migrate(a), migrate(b)]);
      const versions = schemaMigrations.map((m) => m.version);
      expect(applied.flat().sort((x, y) => x - y)).toEqual(versions);
      expect((await a.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual(versions.map((version) => ({ version })));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);

  it('names the cause when the server is not reachable', async () => {
    const url = `postgres://vora@127.0.0.1:${await freePort()}/vora`;
    await expect(openPostgres(url)).rejects.toThrow(/PostgreSQL is not reachable at 127\.0\.0\.1:\d+\/vora .*DATABASE_URL/);
  });

  it('runs the server as a non-root user and stops exactly its PID', async () => {
    const { pid } = server!;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    if (isRoot) expect(uid).not.toBe(0);
    expect(/^Name:\s+(\S+)/m.exec(status)?.[1]).toBe('postgres');
    await server!.stop();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    server = undefined;
  }, 60_000);
});
