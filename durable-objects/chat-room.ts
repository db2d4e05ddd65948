import { DurableObject } from 'cloudflare:workers';
import type { ServerFrame } from '../contracts/chat.ts';
import { encodeFrame, messageFrame, parseClientFrame, placeholderUser, presenceFrame, readAttachment, type SocketAttachment } from './chat-protocol.ts';
import { MessageSeq } from './message-seq.ts';

/** The room needs no bindings yet; history, rate limits and moderation (later issues) may add some. */
export type ChatRoomEnv = Record<string, unknown>;

/**
 * One chat room (one object per room name). Uses the hibernation API: sockets are accepted with
 * `ctx.acceptWebSocket`, so the object can be evicted between frames and every per-socket fact
 * lives in the socket's attachment, never in instance fields.
 */
export class ChatRoom extends DurableObject<ChatRoomEnv> {
  private readonly seq: MessageSeq;

  constructor(ctx: DurableObjectState, env: ChatRoomEnv) {
    super(ctx, env);
    this.seq = new MessageSeq(ctx.storage.sql);
  }

  /** Liveness probe for the edge's /healthz (RPC); touches no storage. */
  ping(): 'pong' {
    return 'pong';
  }

  /** The last message sequence number handed out (0 for a silent room). */
  lastSeq(): number {
    return this.seq.current();
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      const body = { error: { code: 'upgrade_required', message: 'a chat room only speaks WebSocket: send `Upgrade: websocket`' } };
      return Response.json(body, { status: 426, headers: { Upgrade: 'websocket' } });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    // TODO(issue 6): the edge will forward the verified chat user; until then every socket is anonymous.
    const attachment: SocketAttachment = { user: placeholderUser(crypto.randomUUID()), joinedAt: Date.now() };
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    this.broadcast(presenceFrame(this.openSockets().length));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = parseClientFrame(message);
    if (!parsed.ok) {
      ws.send(encodeFrame(parsed.error));
      return;
    }
    const { user } = readAttachment(ws.deserializeAttachment(), crypto.randomUUID());
    const { text, nonce } = parsed.frame;
    this.broadcast(messageFrame({ seq: this.seq.next(), id: crypto.randomUUID(), user, text, nonce, at: new Date() }));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.leave(ws);
    // 1005/1006 describe a missing close frame and may not be sent back; answer those with a normal close.
    const replyCode = code === 1005 || code === 1006 ? 1000 : code;
    try {
      ws.close(replyCode, reason);
    } catch {
      // Already closed (the runtime may have answered the close handshake itself).
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.leave(ws);
  }

  private leave(ws: WebSocket): void {
    this.broadcast(presenceFrame(this.openSockets(ws).length), ws);
  }

  private openSockets(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((socket) => socket !== except && socket.readyState === WebSocket.OPEN);
  }

  private broadcast(frame: ServerFrame, except?: WebSocket): void {
    const data = encodeFrame(frame);
    for (const socket of this.openSockets(except)) {
      try {
        socket.send(data);
      } catch {
        // A socket that died mid-broadcast gets its own close/error event; the others still get the frame.
      }
    }
  }
}
