import { chmod, chown, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { ComponentSpec } from '../component.ts';
import { isRoot, run } from '../exec.ts';
import { postgresSibling, postgresTool } from '../tools/postgres.ts';

export interface PostgresOptions {
  /** Root of this server's run-time data: the cluster lives in `{dataDir}/postgres`. */
  dataDir: string;
  port: number;
  /** false trades crash safety for speed (no fsync): for throwaway test servers. Default true. */
  durable?: boolean;
}

const superuser = 'vora';
const database = 'vora';
// Only loopback, and no password: this server is for one developer's machine or a test.
const hbaConf = 'local all all trust\nhost all all 127.0.0.1/32 trust\n';
// Unix socket paths are limited to 107 bytes by the kernel.
const maxSocketPathLength = 107;

/** `postgres://vora@127.0.0.1:{port}/vora` (trust auth, loopback only). */
export const postgresUrl = (port: number) => `postgres://${superuser}@127.0.0.1:${port}/${database}`;

/** PostgreSQL refuses to run as root: as root, commands run as Debian's `postgres` user via setpriv (which execs, so the PID is the server's). */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args]] : [cmd, args];
}

async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (isRoot) {
    await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as: apt-get install postgresql creates it');
    });
    await run('chown', ['-R', 'postgres:postgres', dataDir]);
    const [cmd, args] = asServerUser('test', ['-w', dataDir]);
    await run(cmd, args).catch(() => {
      throw new Error(`the postgres user cannot write ${dataDir}: make its parent folders traversable (chmod o+x) or choose another dataDir`);
    });
  }
  await chmod(dataDir, 0o700);
}

async function initDataDir(postgresPath: string, dataDir: string, durable: boolean): Promise<void> {
  const entries = await readdir(dataDir);
  if (entries.includes('PG_VERSION')) return;
  if (entries.length > 0) throw new Error(`${dataDir} is neither empty nor a PostgreSQL data directory: empty it or choose another dataDir`);
  const initdbArgs = ['-D', dataDir, '-U', superuser, '-E', 'UTF8', '--locale=C', '--auth=trust', ...(durable ? [] : ['--no-sync'])];
  const [cmd, args] = asServerUser(postgresSibling(postgresPath, 'initdb'), initdbArgs);
  await run(cmd, args, { timeoutMs: 120_000 });
  const hbaPath = join(dataDir, 'pg_hba.conf');
  const owner = await stat(dataDir);
  await writeFile(hbaPath, hbaConf, { mode: 0o600 });
  await chown(hbaPath, owner.uid, owner.gid);
}

function serverArgs(clusterDir: string, port: number, durable: boolean): string[] {
  const socketDir = `${clusterDir}/.s.PGSQL.${port}`.length <= maxSocketPathLength ? clusterDir : '';
  const fast = durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  return ['-D', clusterDir, '-p', String(port), '-k', socketDir, '-h', '127.0.0.1', ...fast];
}

/** Resolves once the server answers a query (the runner polls this until its deadline). */
async function acceptsQueries(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      // 42P04: another starter created it between our check and now.
      await client.query(`CREATE DATABASE ${database}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL server of its own in `{dataDir}/postgres` (initialised on first start) on 127.0.0.1:`port`,
 * with database `vora`. Not part of `npm start` (the origin defaults to PGlite); the DB tests run it.
 */
export function postgresComponent(options: PostgresOptions): ComponentSpec {
  const clusterDir = join(options.dataDir, 'postgres');
  const durable = options.durable ?? true;
  return {
    name: 'postgres',
    url: postgresUrl(options.port),
    ports: [options.port],
    readyTimeoutMs: 30_000,
    // SIGINT is PostgreSQL's fast shutdown (rolls back sessions); SIGTERM would wait for every client to leave.
    stopSignal: 'SIGINT',
    async command() {
      const postgresPath = await postgresTool.locate();
      if (!postgresPath) throw new Error(`PostgreSQL server binaries not found: ${postgresTool.fix}`);
      await prepareDataDir(clusterDir);
      await initDataDir(postgresPath, clusterDir, durable);
      const [cmd, args] = asServerUser(postgresPath, serverArgs(clusterDir, options.port, durable));
      return { cmd, args };
    },
    probe: () => acceptsQueries(options.port),
    afterReady: () => ensureDatabase(options.port),
  };
}
