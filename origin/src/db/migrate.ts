import { schemaMigrations, type Migration } from './migrations.ts';
import type { Sql } from './sql.ts';

// Any fixed 64-bit key works; this one is 'vora' in ASCII. Serialises concurrent migrators on one server.
const migrationLockKey = 0x766f7261;

/** Throws if versions are not strictly increasing positive integers (a programming error). */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const { version, name } of migrations) {
    if (!Number.isInteger(version) || version <= previous) {
      throw new Error(`migration "${name}" has version ${version}, which does not follow ${previous}: versions must increase by position`);
    }
    previous = version;
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction
 * under an advisory lock, so two processes starting together apply each one once.
 * Returns the versions it applied (empty when the schema was up to date).
 */
export async function migrate(sql: Sql, migrations: readonly Migration[] = schemaMigrations): Promise<number[]> {
  checkMigrationOrder(migrations);
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    return pending.map((migration) => migration.version);
  });
}
