import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { defaultPgliteTemplatesDir, ensurePgliteTemplate } from './pglite-template.ts';
import { openPostgres } from './postgres.ts';
import type { Sql } from './sql.ts';

export interface DatabaseOptions {
  /** A PostgreSQL server (`DATABASE_URL`); when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, e.g. `.vora/pglite`. */
  pgliteDir: string;
  /**
   * Where migrated empty PGlite data dirs are kept, one per PGlite version and migration set (default
   * `VORA_PGLITE_TEMPLATES`, else `~/.cache/vora/pglite`; made there on first need); a fresh `pgliteDir` starts as a
   * copy of one. `null` (or `VORA_PGLITE_TEMPLATES=off`): a fresh
   * `pgliteDir` is made by initdb and migrated in this process, whose WASM memory keeps what the migrations grew.
   */
  pgliteTemplatesDir?: string | null;
}

/** Opens the metadata database the options select and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Sql> {
  const { pgliteTemplatesDir = defaultPgliteTemplatesDir() } = options;
  const template = pgliteTemplatesDir === null ? undefined : () => ensurePgliteTemplate(pgliteTemplatesDir);
  const sql = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openPglite(options.pgliteDir, { template });
  try {
    // A no-op on a copy of an up-to-date template; applies whatever is newer on an older data dir.
    await migrate(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  return sql;
}
