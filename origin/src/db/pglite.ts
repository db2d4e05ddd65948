import { AsyncLocalStorage } from 'node:async_hooks';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { copyPgliteTemplate, initialisePgliteInChildProcess } from './pglite-template.ts';
import type { Sql } from './sql.ts';

/**
 * PostgreSQL's default 128 MB of shared buffers sit in PGlite's WASM memory, touched at start; a metadata DB
 * (videos, tokens, channels) works from 16 MB, with the OS page cache behind the files.
 */
export const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

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

export interface PgliteOptions {
  /**
   * Resolves to a data dir (`pglite-template.ts`) that a fresh `dir` becomes a copy of; called only when `dir` is
   * fresh. Without it a fresh `dir` is made empty by initdb in a throwaway process (initdb grows PGlite's WASM memory
   * to ~600 MiB, and a WebAssembly memory never shrinks: done here it would stay resident for the process's life).
   */
  template?: () => Promise<string>;
}

/** Embedded PostgreSQL (WASM) persisted in `dir`; created on first open (PG_VERSION, written by initdb, marks it made). */
export async function openPglite(dir: string, options: PgliteOptions = {}): Promise<Sql> {
  const initialised = await access(join(dir, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised && options.template) {
    await copyPgliteTemplate(await options.template(), dir);
  } else if (!initialised) {
    await mkdir(dir, { recursive: true });
    await initialisePgliteInChildProcess(dir);
  }
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
      // Only while it runs: an enabled AsyncLocalStorage hooks every promise and async resource of the whole process
      // (Node 20), ~7 KB of garbage and the hook calls on each segment the gateway streams. Transactions run one at a time.
      return serially(() => db.transaction((tx) => insideTransaction.run(true, () => fn(transactionHandle(tx)))).finally(() => insideTransaction.disable()));
    },
    async close() {
      // Waits for queued work so nothing runs against a closed instance.
      await serially(async () => {
        if (!db.closed) await db.close();
      });
    },
  };
}
