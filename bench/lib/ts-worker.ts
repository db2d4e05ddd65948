// A worker thread running one of the bench's TypeScript modules.
import { Worker } from 'node:worker_threads';

/**
 * A worker thread does not inherit tsx's hooks from `--import tsx`: the thread registers them, then loads the
 * TypeScript module at `moduleUrl` with `workerData`.
 */
export function tsWorker(moduleUrl: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
