/** A chat participant over a real WebSocket to the edge (undici's standard WebSocket: Node 20 has no global one). */
import { WebSocket } from 'undici';
import type { Json, OperatorApi } from '../../support/operator-api.ts';
import { waitFor } from '../../support/wait.ts';

export interface ChatClient {
  socket: WebSocket;
  frames: Json[];
  /** Resolves with the close code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  /** The first frame (already received or coming) matching `match`, or a rejection after `timeoutMs`. */
  waitForFrame(match: (frame: Json) => boolean, timeoutMs?: number): Promise<Json>;
  close(): void;
}

/** Mints a chat token for `userId` in `room` through the origin and opens the socket it names. */
export async function joinChat(api: OperatorApi, room: string, userId: string): Promise<ChatClient> {
  const minted = await api('/v1/chat/tokens', { method: 'POST', body: { room, userId, name: userId, ttlSeconds: 600 } });
  if (minted.status !== 200) throw new Error(`POST /v1/chat/tokens answered ${minted.status}: ${JSON.stringify(minted.body)}`);
  const socket = new WebSocket(`${minted.body.url}&v=1`);
  const frames: Json[] = [];
  socket.addEventListener('message', (event) => {
    try {
      frames.push(JSON.parse(String(event.data)));
    } catch {
      frames.push({ type: 'unparsable', data: String(event.data) });
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chat socket for ${userId} in ${room} did not open within 10 s`)), 10_000);
    socket.addEventListener('open', () => (clearTimeout(timer), resolve()));
    socket.addEventListener('error', () => (clearTimeout(timer), reject(new Error(`chat socket for ${userId} in ${room} failed to open`))));
  });
  return {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame)),
    waitForFrame(match, timeoutMs = 5_000) {
      return waitFor(() => frames.find(match), { what: 'a matching chat frame', timeoutMs, everyMs: 20, detail: () => `got ${JSON.stringify(frames.slice(-5))}` });
    },
    close: () => socket.close(1000, 'test done'),
  };
}

/** One message from `from`, seen by `to`: resolves with the round-trip time in ms. */
export async function exchange(from: ChatClient, to: ChatClient, text: string, timeoutMs = 5_000): Promise<number> {
  const nonce = `n-${Math.random().toString(36).slice(2, 12)}`;
  const started = performance.now();
  from.send({ type: 'send', text, nonce });
  await to.waitForFrame((frame) => frame.type === 'message' && frame.nonce === nonce, timeoutMs);
  return performance.now() - started;
}
