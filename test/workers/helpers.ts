import { exports } from 'cloudflare:workers';
import { ServerFrame } from '../../contracts/chat.ts';

/** Calls the edge worker's default export (same isolate as the test), like a client on the internet would. */
export function edgeFetch(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://edge.test${path}`, init));
}

/** A client socket into a room that keeps every frame it receives, parsed against the wire contract. */
export interface RoomClient {
  socket: WebSocket;
  /** The next frame of `type` not consumed yet; frames of other types before it are consumed too. */
  next<T extends ServerFrame['type']>(type: T, timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>>;
  sendJson(value: unknown): void;
  close(): Promise<void>;
}

export async function openRoom(room: string): Promise<RoomClient> {
  const response = await edgeFetch(`/rooms/${room}/ws`, { headers: { Upgrade: 'websocket' } });
  if (response.status !== 101 || !response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  const socket = response.webSocket;
  const frames: ServerFrame[] = [];
  let wake: () => void = () => {};
  let closed = false;
  socket.addEventListener('message', (event) => {
    frames.push(ServerFrame.parse(JSON.parse(String(event.data))));
    wake();
  });
  socket.addEventListener('close', () => {
    closed = true;
    wake();
  });
  socket.accept();

  async function next<T extends ServerFrame['type']>(type: T, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = frames.shift();
      if (frame?.type === type) return frame as Extract<ServerFrame, { type: T }>;
      if (frame) continue;
      if (closed) throw new Error(`socket closed while waiting for a ${type} frame`);
      const waited = await Promise.race([
        new Promise<'frame'>((resolve) => (wake = () => resolve('frame'))),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))),
      ]);
      if (waited === 'timeout') throw new Error(`no ${type} frame within ${timeoutMs} ms`);
    }
  }

  return {
    socket,
    next,
    sendJson: (value) => socket.send(JSON.stringify(value)),
    close: async () => {
      if (closed) return;
      const done = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
      socket.close(1000, 'test done');
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 1000))]);
    },
  };
}

/** A room name no other test uses, so tests sharing storage cannot see each other's messages. */
export function uniqueRoom(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}
