// One open-loop load in a thread of its own (see open-load-thread.ts): its event loop and heap serve nothing else,
// and it watches its own stalls, so a client-side tail shows up as the client's.
import { parentPort, workerData } from 'node:worker_threads';
import { httpOpenLoad, type OpenLoadOptions } from './http-load.ts';
import { watchStalls } from './event-loop-stalls.ts';

const { url, options } = workerData as { url: string; options: OpenLoadOptions };
const stalls = watchStalls();
const result = await httpOpenLoad(url, options);
parentPort!.postMessage({ result, clientStalls: stalls.read() }, [result.latenciesMs.buffer as ArrayBuffer]);
