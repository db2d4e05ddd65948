export type { Sql } from './sql.ts';
export { isUniqueViolation } from './sql.ts';
export { openDatabase, type DatabaseOptions } from './open.ts';
export { openPglite } from './pglite.ts';
export { openPostgres } from './postgres.ts';
export { migrate } from './migrate.ts';
