import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from './sql.ts';

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
  const db = await PGlite.create(dir);
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
