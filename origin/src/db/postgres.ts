import pg from 'pg';
import type { Sql } from './sql.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

function clientHandle(client: Queryable): Sql {
  const handle: Sql = {
    async query<T>(text: string, params: unknown[] = []) {
      const { rows } = await client.query(text, params);
      return { rows: rows as T[] };
    },
    transaction: (fn) => fn(handle),
    close: () => Promise.reject(new Error('close() called on a transaction handle: close the database instead')),
  };
  return handle;
}

/** Where a connection URL points, without its password, for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

/** A PostgreSQL server through a connection pool; fails fast with the cause if the server is not reachable. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server would otherwise crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`PostgreSQL is not reachable at ${describeUrl(url)} (${(error as Error).message}) — is the server running, and is DATABASE_URL right?`, { cause: error });
  }

  return {
    async query<T>(text: string, params: unknown[] = []) {
      const { rows } = await pool.query(text, params);
      return { rows: rows as T[] };
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      const client = await pool.connect();
      let brokenConnection: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(clientHandle(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is dropped from the pool rather than reused.
        await client.query('ROLLBACK').catch((rollbackError: Error) => (brokenConnection = rollbackError));
        throw error;
      } finally {
        client.release(brokenConnection);
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
