import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../origin/src/db/open.ts';
import { openPglite } from '../../origin/src/db/pglite.ts';
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
});

describe('PGlite data dir', () => {
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
