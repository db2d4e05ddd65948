// An open-loop load run on a fresh worker thread: the bench's main thread keeps its servers' bookkeeping and
// every earlier round's garbage, which must not land in the latencies of an absolute goal (e.g. a node hit).
import type { LoadResult, OpenLoadOptions } from './http-load.ts';
import type { StallReport } from './event-loop-stalls.ts';
import { tsWorker } from './ts-worker.ts';

/** httpOpenLoad on its own thread (string URL, fixed headers), with that thread's event-loop delay and GC pauses. */
export function httpOpenLoadInThread(url: string, options: OpenLoadOptions): Promise<{ result: LoadResult; clientStalls: StallReport }> {
  return new Promise((resolve, reject) => {
    const worker = tsWorker(new URL('./open-load-worker.ts', import.meta.url), { url, options });
    worker.once('message', (message: { result: LoadResult; clientStalls: StallReport }) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load thread exited (code ${code}) before it answered`)));
  });
}
