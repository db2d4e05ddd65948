import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { ServerFrame } from '../../contracts/chat.ts';
import { chatToken, installTestKeys, type TestUser } from './chat-keys.ts';

/** Calls the edge worker's default export (same isolate as the test), like a client on the internet would. */
export function edgeFetch(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://edge.test${path}`, init));
}

/** A client socket into a room that keeps every frame it receives, parsed against the wire contract. */
export interface RoomClient {
  socket: WebSocket;
  /** The next frame of `type` not consumed yet; frames of other types before it are consumed too. */
  next<T extends ServerFrame['type']>(type: T, timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>>;
  /** The next frame of any of `types` (the others before it are consumed), e.g. whichever of message or error answers a send. */
  nextOf<T extends ServerFrame['type']>(types: T[], timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>>;
  sendJson(value: unknown): void;
  close(): Promise<void>;
  /** Resolves with the close code once the room (or the client) closed the socket. */
  closed: Promise<number>;
}

export interface OpenRoomOptions {
  user?: TestUser;
  /** `?since=` for a resuming client. */
  since?: number;
  /** `?v=` (absent: the client sends none, which is v1). */
  protocol?: 1 | 2;
  /** A ready token (else one is signed for `user` and the room). */
  token?: string;
  /** Join as a guest with the watch link's playback token instead (`?playback=…&name=…&viewer=…`), from `ip`. */
  playback?: { token: string; name?: string; viewer?: string; ip?: string };
  /** Extra request headers (a client trying to forge what the edge forwards). */
  headers?: Record<string, string>;
}

/** The upgrade request a browser would send, with a freshly signed chat token unless one is given. */
export async function upgradeToRoom(room: string, options: OpenRoomOptions = {}): Promise<Response> {
  await installTestKeys();
  const { playback } = options;
  const query = new URLSearchParams(playback ? { playback: playback.token } : { token: options.token ?? (await chatToken(room, options.user)) });
  if (playback?.name !== undefined) query.set('name', playback.name);
  if (playback?.viewer !== undefined) query.set('viewer', playback.viewer);
  if (options.since !== undefined) query.set('since', String(options.since));
  if (options.protocol !== undefined) query.set('v', String(options.protocol));
  const headers: Record<string, string> = { Upgrade: 'websocket', ...options.headers, ...(playback?.ip ? { 'CF-Connecting-IP': playback.ip } : {}) };
  return edgeFetch(`/rooms/${room}/ws?${query}`, { headers });
}

export async function openRoom(room: string, options: OpenRoomOptions = {}): Promise<RoomClient> {
  const response = await upgradeToRoom(room, options);
  if (response.status !== 101 || !response.webSocket) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  const socket = response.webSocket;
  const frames: ServerFrame[] = [];
  let wake: () => void = () => {};
  let closed = false;
  let closeCode: (code: number) => void = () => {};
  const closedPromise = new Promise<number>((resolve) => (closeCode = resolve));
  socket.addEventListener('message', (event) => {
    frames.push(ServerFrame.parse(JSON.parse(String(event.data))));
    wake();
  });
  socket.addEventListener('close', (event) => {
    closed = true;
    closeCode(event.code);
    wake();
  });
  socket.accept();

  async function nextOf<T extends ServerFrame['type']>(types: T[], timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    const type = types.join(' or ');
    for (;;) {
      const frame = frames.shift();
      if (frame && (types as string[]).includes(frame.type)) return frame as Extract<ServerFrame, { type: T }>;
      if (frame) continue;
      if (closed) throw new Error(`socket closed while waiting for a ${type} frame`);
      const waited = await Promise.race([
        new Promise<'frame'>((resolve) => (wake = () => resolve('frame'))),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))),
      ]);
      if (waited === 'timeout') throw new Error(`no ${type} frame within ${timeoutMs} ms`);
    }
  }

  const next = <T extends ServerFrame['type']>(type: T, timeoutMs?: number) => nextOf([type], timeoutMs);

  return {
    socket,
    next,
    nextOf,
    closed: closedPromise,
    sendJson: (value) => socket.send(JSON.stringify(value)),
    close: async () => {
      if (closed) return;
      const done = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
      socket.close(1000, 'test done');
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 1000))]);
    },
  };
}

/**
 * Sends chat messages one at a time, each after the room echoed the previous one, and returns their seqs.
 * Why not all at once: under @cloudflare/vitest-pool-workers 0.15 each `webSocketMessage` call first awaits
 * the wrapper's module import, so pipelined frames can reach the room out of order (cloudflare/workers-sdk
 * #13433, fixed by #14061); deployed and under `wrangler dev` they arrive in order, and the room numbers
 * them as they arrive (`seq` is taken with no await before it).
 */
export async function sendInOrder(client: RoomClient, texts: string[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const [i, text] of texts.entries()) {
    client.sendJson({ type: 'send', text, nonce: `n${i}` });
    const echo = await client.next('message');
    expect(echo.text).toBe(text);
    seqs.push(echo.seq);
  }
  return seqs;
}

/** A room name no other test uses, so tests sharing storage cannot see each other's messages. */
export function uniqueRoom(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A call to an `/internal/*` route with the test INTERNAL_SECRET, JSON in and out. */
export function internalFetch(path: string, method: string, body?: unknown, secret: string | null = env.INTERNAL_SECRET ?? null): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (secret !== null) headers.Authorization = `Bearer ${secret}`;
  return edgeFetch(path, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}

/** Replaces a room's rules (omitted fields take their defaults). */
export async function setRoomRules(room: string, rules: Record<string, unknown>): Promise<void> {
  const response = await internalFetch(`/internal/rooms/${room}/rules`, 'PUT', rules);
  if (response.status !== 200) throw new Error(`rules refused: ${response.status} ${await response.text()}`);
}
