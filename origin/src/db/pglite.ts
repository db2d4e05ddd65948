import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from './sql.ts';

/**
 * PostgreSQL's default 128 MB of shared buffers sit in PGlite's WASM memory, touched at start; a metadata DB
 * (videos, tokens, channels) works from 16 MB, with the OS page cache behind the files.
 */
export const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

// Creates and closes the database: run in a throwaway process, whose memory goes when it exits.
const initialiseScript = `const { PGlite } = require(process.env.PGLITE_MODULE); PGlite.create(process.env.PGLITE_DIR).then((db) => db.close());`;

/**
 * initdb grows PGlite's WASM memory to ~600 MiB, and a WebAssembly memory never shrinks: done in the origin's
 * own process it would stay resident for the process's life. A fresh `dir` is therefore initialised by a
 * short-lived Node process; an existing one (PG_VERSION written by initdb) is left as it is.
 */
async function initialiseInChildProcess(dir: string): Promise<void> {
  const initialised = await access(join(dir, 'PG_VERSION')).then(() => true, () => false);
  if (initialised) return;
  try {
    await promisify(execFile)(process.execPath, ['--eval', initialiseScript], {
      env: { ...process.env, PGLITE_MODULE: createRequire(import.meta.url).resolve('@electric-sql/pglite'), PGLITE_DIR: dir, NODE_OPTIONS: '' },
      timeout: 300_000,
    });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not create the embedded database in ${dir}: ${stderr?.trim() || (error as Error).message}`);
  }
}

/** Queues async work so only one runs at a time: PGlite is a single connection. */
function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function serially<T>(work: () => Promise<T>): Promise<T> {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
}

function transactionHandle(tx: Transaction): Sql {
  const handle: Sql = {
    async query<T>(text: string, params: unknown[] = []) {
      const { rows } = await tx.query<T>(text, params);
      return { rows };
    },
    transaction: (fn) => fn(handle),
    close: () => Promise.reject(new Error('close() called on a transaction handle: close the database instead')),
  };
  return handle;
}

/** Embedded PostgreSQL (WASM) persisted in `dir`; created on first open. */
export async function openPglite(dir: string): Promise<Sql> {
  await mkdir(dir, { recursive: true });
  await initialiseInChildProcess(dir);
  const db = await PGlite.create(dir, { startParams: pgliteStartParams });
  const serially = createSerialQueue();
  // Marks async work running inside one of our transactions, to catch queries on the wrong handle.
  const insideTransaction = new AsyncLocalStorage<true>();
  const refuseOuterHandleInsideTransaction = () => {
    if (insideTransaction.getStore()) {
      throw new Error('query on the database handle inside its own transaction would deadlock: use the `tx` handle passed to transaction()');
    }
  };

  return {
    async query<T>(text: string, params: unknown[] = []) {
      refuseOuterHandleInsideTransaction();
      const { rows } = await serially(() => db.query<T>(text, params));
      return { rows };
    },
    transaction<T>(fn: (tx: Sql) => Promise<T>) {
      refuseOuterHandleInsideTransaction();
      return serially(() => db.transaction((tx) => insideTransaction.run(true, () => fn(transactionHandle(tx)))));
    },
    async close() {
      // Waits for queued work so nothing runs against a closed instance.
      await serially(async () => {
        if (!db.closed) await db.close();
      });
    },
  };
}
