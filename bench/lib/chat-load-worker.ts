// One of chat-fanout's load threads: holds its share of the room's receiving sockets and counts the bench's
// messages in every frame on the raw bytes (no decoding, no JSON), so the load side never becomes the
// bottleneck it used to be with 1,000 sockets on one thread. Counts go to shared memory the main thread reads.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { countStamps, stampMarker } from './chat-stamps.ts';

// `ws` is in node_modules (a wrangler dependency) without types; Node 20 has no global WebSocket.
interface WsClient {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  terminate(): void;
}
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: new (url: string, options: object) => WsClient };

/** What the main thread hands over: the sockets to open, and shared slots (see LoadSlots in chat-fanout.ts). */
export interface LoadWorkerData {
  urls: string[];
  /** Int32: [0] the phase being counted (set by the main thread), [1] messages of it received, [2] sockets closed by the server. */
  counters: SharedArrayBuffer;
  /** Float64: [0] wall-clock ms of the last counted receipt. */
  lastAt: SharedArrayBuffer;
}

const { urls, counters, lastAt } = workerData as LoadWorkerData;
const counts = new Int32Array(counters);
const last = new Float64Array(lastAt);
let phase = -1;
let marker = stampMarker(phase);
const sockets: WsClient[] = [];
let closing = false;

function onFrame(data: Buffer) {
  const current = Atomics.load(counts, 0);
  if (current !== phase) {
    phase = current;
    marker = stampMarker(phase);
  }
  const found = countStamps(data, marker);
  if (found === 0) return;
  Atomics.add(counts, 1, found);
  last[0] = performance.timeOrigin + performance.now();
}

async function open(url: string): Promise<WsClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  socket.on('message', onFrame);
  socket.on('close', () => {
    if (!closing) Atomics.add(counts, 2, 1);
  });
  return socket;
}

/** 25 handshakes in flight per thread: the edge verifies a token per join. */
async function connectAll() {
  let next = 0;
  const lane = async () => {
    while (next < urls.length) sockets.push(await open(urls[next++]!));
  };
  await Promise.all(Array.from({ length: 25 }, lane));
}

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  closing = true;
  for (const socket of sockets) socket.terminate();
  parentPort!.postMessage({ type: 'closed' });
});

connectAll().then(
  () => parentPort!.postMessage({ type: 'connected', count: sockets.length }),
  (error: Error) => parentPort!.postMessage({ type: 'failed', error: error.message }),
);
