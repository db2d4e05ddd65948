/**
 * The one database handle every repository takes. Two adapters implement it:
 * embedded PGlite (`pglite.ts`) and a PostgreSQL server through a pg Pool (`postgres.ts`).
 */
export interface Sql {
  /** One statement, `$1…$n` parameters. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs `fn` in BEGIN … COMMIT (ROLLBACK if it throws). Nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a unique-constraint violation; both adapters surface it as `error.code`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
