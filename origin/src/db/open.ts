import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Sql } from './sql.ts';

export interface DatabaseOptions {
  /** A PostgreSQL server (`DATABASE_URL`); when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, e.g. `.vora/pglite`. */
  pgliteDir: string;
}

/** Opens the metadata database the options select and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Sql> {
  const sql = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openPglite(options.pgliteDir);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  return sql;
}
