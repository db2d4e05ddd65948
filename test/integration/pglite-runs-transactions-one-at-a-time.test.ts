import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../origin/src/db/open.ts';
import { schemaMigrations } from '../../origin/src/db/migrations.ts';
import { openPglite } from '../../origin/src/db/pglite.ts';
import { ensurePgliteTemplate } from '../../origin/src/db/pglite-template.ts';
import type { Sql } from '../../origin/src/db/sql.ts';
import { describeDatabaseContract } from './support/db-contract.ts';
import { describeProcessingTimesContract } from './support/processing-times-contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-pglite-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeDatabaseContract('PGlite', () => openDatabase({ pgliteDir: join(dir, 'contract') }));
describeProcessingTimesContract('PGlite', () => openDatabase({ pgliteDir: join(dir, 'processing-times') }));

describe('PGlite adapter (single connection)', () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await openDatabase({ pgliteDir: join(dir, 'adapter') });
  }, 120_000);
  afterAll(() => sql?.close());

  it('runs concurrent transactions one after the other, never interleaved', async () => {
    await sql.query('CREATE TABLE IF NOT EXISTS interleave (writer text)');
    const writer = (name: string) =>
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO interleave VALUES ($1)', [name]);
        await new Promise((resolve) => setTimeout(resolve, 20)); // holds the transaction open so the other writer would interleave if it could
        return (await tx.query<{ writer: string }>('SELECT writer FROM interleave ORDER BY writer')).rows.map((row) => row.writer);
      });
    const [first, second] = await Promise.all([writer('a'), writer('b')]);
    expect(first).toEqual(['a']);
    expect(second).toEqual(['a', 'b']);
  });

  it('refuses a query on the outer handle inside its own transaction instead of deadlocking', async () => {
    await expect(sql.transaction(() => sql.query('SELECT 1'))).rejects.toThrow(/use the `tx` handle/);
    expect((await sql.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('tracks async work only while a transaction runs: afterwards no promise of the process is hooked', async () => {
    // Node 20 gives every promise async ids while an AsyncLocalStorage is enabled (and calls its hook for each): a
    // tax on every segment the gateway streams if the guard above stayed on after the origin's first transaction.
    const hooked = () => Object.getOwnPropertySymbols(Promise.resolve()).length > 0;
    const inside = await sql.transaction(async (tx) => {
      await tx.query('SELECT 1');
      return hooked();
    });
    expect(inside).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0)); // Node turns the promise hook off once the async stack is empty
    expect(hooked()).toBe(false);
    await expect(sql.transaction(() => sql.query('SELECT 1'))).rejects.toThrow(/use the `tx` handle/);
  });
});

describe('PGlite data dir', () => {
  const versions = async (sql: Sql) => (await sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version);

  it('starts as a copy of the migrated template, made once per migration set; the copies are independent', async () => {
    const templates = join(dir, 'templates');
    const first = await openDatabase({ pgliteDir: join(dir, 'copy-1'), pgliteTemplatesDir: templates });
    const second = await openDatabase({ pgliteDir: join(dir, 'copy-2'), pgliteTemplatesDir: templates });
    try {
      const made = await readdir(templates);
      expect(made).toEqual([expect.stringMatching(/^empty-\d+\.\d+\.\d+-[0-9a-f]{16}$/)]);
      expect(await versions(first)).toEqual(schemaMigrations.map((migration) => migration.version));
      expect(await versions(second)).toEqual(await versions(first));
      expect((await first.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
      await first.query(`INSERT INTO api_tokens (id, name, token_hash) VALUES ('tok_1', 'only in copy 1', $1)`, ['a'.repeat(64)]);
      expect((await second.query('SELECT id FROM api_tokens')).rows).toEqual([]);
      // Another migration set (a branch with one more migration) gets a template of its own.
      const more = [...schemaMigrations, { version: 100_000, name: 'test only', statements: ['CREATE TABLE template_probe (x int)'] }];
      const other = await ensurePgliteTemplate(templates, more);
      expect((await readdir(templates)).sort()).toEqual([...made, other.slice(templates.length + 1)].sort());
      const third = await openPglite(join(dir, 'copy-3'), { template: async () => other });
      try {
        expect(await versions(third)).toContain(100_000);
      } finally {
        await third.close();
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    const reopened = await openDatabase({ pgliteDir: join(dir, 'copy-1'), pgliteTemplatesDir: templates });
    try {
      expect((await reopened.query<{ name: string }>('SELECT name FROM api_tokens')).rows).toEqual([{ name: 'only in copy 1' }]);
    } finally {
      await reopened.close();
    }
  }, 120_000);

  it('without templates is made by initdb and migrated in place, to the same versions', async () => {
    const sql = await openDatabase({ pgliteDir: join(dir, 'in-place'), pgliteTemplatesDir: null });
    try {
      expect(await versions(sql)).toEqual(schemaMigrations.map((migration) => migration.version));
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('is created by a throwaway process, then opened here on 16 MB of shared buffers, and reopened with its rows', async () => {
    const pgliteDir = join(dir, 'fresh');
    const first = await openPglite(pgliteDir);
    try {
      expect((await first.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
      await first.query('CREATE TABLE kept (note text)');
      await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
    } finally {
      await first.close();
    }
    const again = await openPglite(pgliteDir);
    try {
      expect((await again.query<{ note: string }>('SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
    } finally {
      await again.close();
    }
  }, 120_000);
});
