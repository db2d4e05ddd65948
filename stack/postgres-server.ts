import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { isRoot, run } from './exec.ts';
import { postgresSibling, postgresTool } from './tools/postgres.ts';

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  /** false trades crash safety for speed (no fsync): for throwaway test servers. Default true. */
  durable?: boolean;
  /** Server log; default `{dataDir}/server.log`. */
  logFile?: string;
  readyTimeoutMs?: number;
}

export interface PostgresServer {
  /** `postgres://vora@127.0.0.1:{port}/vora` (trust auth, loopback only). */
  url: string;
  pid: number;
  /** Fast shutdown of this server (SIGINT to its PID) and wait for it to exit. */
  stop(): Promise<void>;
}

const superuser = 'vora';
const database = 'vora';
// Only loopback, and no password: this server is for one developer's machine or a test.
const hbaConf = 'local all all trust\nhost all all 127.0.0.1/32 trust\n';
// Unix socket paths are limited to 107 bytes by the kernel.
const maxSocketPathLength = 107;

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

function serverArgs(options: PostgresServerOptions): string[] {
  const socketDir = `${options.dataDir}/.s.PGSQL.${options.port}`.length <= maxSocketPathLength ? options.dataDir : '';
  const fast = options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  return ['-D', options.dataDir, '-p', String(options.port), '-k', socketDir, '-h', '127.0.0.1', ...fast];
}

async function logTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-15).join('\n');
}

/** Resolves once the server answers a query; throws if it exits or the deadline passes. */
async function waitUntilAccepting(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, database: 'postgres', connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms (last error: ${lastError})`);
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

/** Signals this one process and waits for it to exit, escalating only if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
  // SIGINT = fast shutdown (rolls back sessions, checkpoints); SIGQUIT = immediate; SIGKILL last.
  for (const [signal, graceMs] of [['SIGINT', 30_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, graceMs, true).unref())]);
    if (!timedOut) return;
  }
  throw new Error(`postgres (pid ${child.pid}) did not exit after SIGINT, SIGQUIT and SIGKILL`);
}

/** Starts a PostgreSQL server of its own in `dataDir` (initialised on first use) on 127.0.0.1:`port`. */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const postgresPath = await postgresTool.locate();
  if (!postgresPath) throw new Error(`PostgreSQL server binaries not found: ${postgresTool.fix}`);
  const durable = options.durable ?? true;
  await prepareDataDir(options.dataDir);
  await initDataDir(postgresPath, options.dataDir, durable);

  const logFile = options.logFile ?? join(options.dataDir, 'server.log');
  const log = await open(logFile, 'a');
  const [cmd, args] = asServerUser(postgresPath, serverArgs(options));
  const child = spawn(cmd, args, { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}: ${(await once(child, 'error'))[0]}`);

  try {
    await waitUntilAccepting(child, options.port, options.readyTimeoutMs ?? 30_000);
    await ensureDatabase(options.port);
  } catch (error) {
    await stopChild(child).catch(() => {});
    throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${await logTail(logFile)}`, { cause: error });
  }
  return {
    url: `postgres://${superuser}@127.0.0.1:${options.port}/${database}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}
