import { DurableObject } from 'cloudflare:workers';
import { errorBody } from '../contracts/http.ts';
import {
  CHAT_CLOSE_CODES, CHAT_GUEST_HEADER, CHAT_USER_HEADER, parseProtocolVersion, parseSince,
  type ChatRules, type ChatUser, type LiveEvent, type MessageFrame, type ModerationFrame, type SendFrame, type ServerFrame,
} from '../contracts/chat.ts';
import { recordStrike } from './chat-abuse.ts';
import { refuseModeration } from './chat-moderation.ts';
import {
  deletedFrame, encodeFrame, errorFrame, eventFrame, historyFrame, memberFromTags, messageFrame, messagesFrameText, networkKey, parseClientFrame,
  presenceFrame, readAttachment, readForwardedGuest, readForwardedUser, socketTags, userTag, welcomeFrame, type SocketAttachment,
} from './chat-protocol.ts';
import { decideSend, writeRefusal } from './chat-rules.ts';
import { BATCH_FROM_DELIVERIES_PER_SECOND, MessageBatcher, MessageRate } from './message-batcher.ts';
import { MessageSeq } from './message-seq.ts';
import { planPresence } from './presence-throttle.ts';
import { RoomSockets } from './room-sockets.ts';
import { RoomStore } from './room-store.ts';

/** A refused fetch, in the error body every Vora HTTP answer uses (the DO has no Hono to throw to). */
const refuseFetch = (status: number, code: string, message: string, headers = {}) => Response.json(errorBody(code, message), { status, headers });

/**
 * One chat room (one object per room name), a thin shell around the pure modules beside it. Uses the
 * hibernation API: every per-socket fact lives in the socket's attachment, every per-room fact in SQLite.
 */
export class ChatRoom extends DurableObject {
  /** A room is busy from this many deliveries/s: then v2 sockets get messages batched (MessageBatcher). Lowered only by a test. */
  static batchFromDeliveriesPerSecond = BATCH_FROM_DELIVERIES_PER_SECOND;
  private readonly seq: MessageSeq;
  private readonly store: RoomStore;
  private readonly batcher = new MessageBatcher((encoded) => this.sendToAll(this.sockets.speaking(2), messagesFrameText(encoded)));
  private socketCache: RoomSockets<WebSocket> | null = null;
  private readonly messageRate = new MessageRate();

  /** The room needs no bindings. */
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.seq = new MessageSeq(ctx.storage.sql);
    this.store = new RoomStore(ctx.storage.sql);
  }

  /** The open sockets, rebuilt from the runtime's list and tags the first time they are needed after a wake. */
  private get sockets(): RoomSockets<WebSocket> {
    if (this.socketCache) return this.socketCache;
    this.socketCache = new RoomSockets<WebSocket>();
    for (const socket of this.ctx.getWebSockets()) {
      const member = memberFromTags(this.ctx.getTags(socket));
      if (member && socket.readyState === WebSocket.OPEN) this.socketCache.add(socket, member);
    }
    return this.socketCache;
  }

  /** Liveness probe for the edge's /healthz (RPC); touches no storage. */
  ping(): 'pong' {
    return 'pong';
  }

  /** The last message sequence number handed out (0 for a silent room). */
  lastSeq(): number {
    return this.seq.current();
  }

  rules(): ChatRules {
    return this.store.rules();
  }

  setRules(rules: ChatRules): ChatRules {
    return this.store.setRules(rules);
  }

  /** Broadcasts a live event once per event id (the origin's bridge retries: at-least-once in, once out). */
  publishEvent(event: LiveEvent): { delivered: number; duplicate: boolean } {
    if (!this.store.rememberEvent(event.id)) return { delivered: 0, duplicate: true };
    return { delivered: this.broadcast(eventFrame(event)), duplicate: false };
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return refuseFetch(426, 'upgrade_required', 'a chat room only speaks WebSocket: send `Upgrade: websocket`', { Upgrade: 'websocket' });
    }
    const user = readForwardedUser(request.headers.get(CHAT_USER_HEADER));
    const guest = readForwardedGuest(request.headers.get(CHAT_GUEST_HEADER));
    if (!user || !guest.ok) return refuseFetch(401, 'unauthorized', 'no verified user: connect through the edge with ?token=<chat token> or ?playback=<playback token>');
    if (this.store.isBanned(user.id)) return refuseFetch(403, 'banned', 'you are banned from this room');
    const query = new URL(request.url).searchParams;
    const since = parseSince(query.get('since'));
    // The edge refused any other version; a direct call without one speaks v1.
    const protocol = parseProtocolVersion(query.get('v')) === 2 ? 2 : 1;

    // Messages still waiting for their batch are in the history already: send them to the others first, not twice to the joiner.
    this.batcher.flush();
    const { 0: client, 1: server } = new WebSocketPair();
    // The user tag finds a user's sockets (timeout notice, ban) without reading every attachment; the protocol tag survives hibernation.
    this.ctx.acceptWebSocket(server, socketTags(user.id, protocol));
    this.sockets.add(server, { userId: user.id, protocol });
    server.serializeAttachment({ user, ...(guest.guest ? { guest: guest.guest } : {}), joinedAt: Date.now(), strikes: [] } satisfies SocketAttachment);
    // No await between accept and the history: no message can slip between the two, so resume has no gap or duplicate.
    const lastSeq = this.seq.current();
    const { messages, truncated } = this.store.history(since === 'invalid' || (since ?? 0) > lastSeq ? null : since);
    server.send(encodeFrame(historyFrame(messages, lastSeq, truncated)));
    server.send(encodeFrame(welcomeFrame(user, writeRefusal(guest.guest, this.store.rules()))));
    if (!(await this.presenceChanged())) server.send(encodeFrame(presenceFrame(this.sockets.users)));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = readAttachment(ws.deserializeAttachment());
    if (!attachment) {
      ws.close(1011, 'session state lost: reconnect');
      return;
    }
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return this.strike(ws, attachment, parsed.error);
    return parsed.frame.type === 'send' ? this.send(ws, attachment, parsed.frame) : this.moderate(ws, attachment.user, parsed.frame);
  }

  private async send(ws: WebSocket, attachment: SocketAttachment, frame: SendFrame): Promise<void> {
    const now = Date.now();
    const { user } = attachment;
    const guest = attachment.guest ? { identity: attachment.guest, networkBucket: this.store.user(networkKey(attachment.guest.network)).bucket } : undefined;
    const decision = decideSend({ user, text: frame.text, now, rules: this.store.rules(), ...this.store.user(user.id), guest });
    if (!decision.ok) {
      // Only flooding counts as abuse; a refused word or a too-long message is an honest mistake.
      if (decision.error.code === 'rate_limited') return this.strike(ws, attachment, decision.error);
      ws.send(encodeFrame(decision.error));
      return;
    }
    const message = messageFrame({ seq: this.seq.next(), id: crypto.randomUUID(), user, text: frame.text, nonce: frame.nonce, at: new Date(now) });
    this.store.appendMessage(message);
    this.store.recordSend(user.id, decision.bucket, now);
    if (attachment.guest && decision.networkBucket) this.store.recordSend(networkKey(attachment.guest.network), decision.networkBucket, now);
    this.broadcastMessage(message, now);
  }

  private async moderate(ws: WebSocket, actor: ChatUser, frame: ModerationFrame): Promise<void> {
    const target = frame.type === 'delete' ? this.store.authorOf(frame.id) : { id: frame.userId, role: this.roleOf(frame.userId) };
    if (!target) return void ws.send(encodeFrame(errorFrame('not_found', 'no such message (already deleted, or older than the history)')));
    const refusal = refuseModeration(actor, frame, target);
    if (refusal) return void ws.send(encodeFrame(refusal));
    const now = Date.now();
    if (frame.type === 'delete') {
      if (this.store.deleteMessage(frame.id)) this.broadcast(deletedFrame(frame.id));
      return;
    }
    if (frame.type === 'timeout') {
      this.store.timeOut(frame.userId, now + frame.seconds * 1000);
      const notice = { ...errorFrame('timed_out', `a moderator timed you out for ${frame.seconds} s`), retryAfterMs: frame.seconds * 1000 };
      for (const socket of this.socketsOf(frame.userId)) socket.send(encodeFrame(notice));
      return;
    }
    this.store.ban(frame.userId, actor.id, now);
    for (const socket of this.socketsOf(frame.userId)) {
      socket.close(CHAT_CLOSE_CODES.banned, 'banned from this room');
      this.sockets.remove(socket);
    }
    await this.presenceChanged();
  }

  /** Sends the error; past the abuse limit closes this socket only (4008), the room goes on. */
  private async strike(ws: WebSocket, attachment: SocketAttachment, error: ServerFrame): Promise<void> {
    const { strikes, close } = recordStrike(attachment.strikes, Date.now());
    ws.serializeAttachment({ ...attachment, strikes } satisfies SocketAttachment);
    ws.send(encodeFrame(error));
    if (!close) return;
    ws.close(CHAT_CLOSE_CODES.policyViolation, 'too many refused frames');
    this.sockets.remove(ws);
    await this.presenceChanged();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.remove(ws);
    // 1005/1006 describe a missing close frame and may not be sent back; answer those with a normal close.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed (the runtime may have answered the close handshake itself).
    }
    await this.presenceChanged();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.remove(ws);
    await this.presenceChanged();
  }

  /** The throttle window ended: send the count if it moved since the last presence frame. */
  override async alarm(): Promise<void> {
    await this.presenceChanged();
  }

  /** Broadcasts the count now, or arms an alarm for the end of the throttle window. True when it broadcast. */
  private async presenceChanged(): Promise<boolean> {
    const now = Date.now();
    const count = this.sockets.users;
    const plan = planPresence(this.store.presenceSent(), count, now);
    if (plan.kind === 'send') {
      this.broadcast(presenceFrame(count));
      this.store.setPresenceSent({ at: now, count });
      return true;
    }
    if (plan.kind === 'later' && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(plan.at);
    return false;
  }

  private roleOf(userId: string): ChatUser['role'] {
    const connected = this.socketsOf(userId).map((socket) => readAttachment(socket.deserializeAttachment())?.user.role)[0];
    return connected ?? this.store.lastRoleOf(userId) ?? 'viewer';
  }

  private socketsOf(userId: string): WebSocket[] {
    return this.ctx.getWebSockets(userTag(userId)).filter((socket) => socket.readyState === WebSocket.OPEN);
  }

  /** A chat message, serialised once: v1 sockets get it at once; v2 sockets of a busy room get it in the current batch. */
  private broadcastMessage(message: MessageFrame, now: number): void {
    const data = encodeFrame(message);
    this.sendToAll(this.sockets.speaking(1), data);
    if (this.messageRate.record(now) * this.sockets.size >= ChatRoom.batchFromDeliveriesPerSecond) return this.batcher.push(data);
    this.batcher.flush();
    this.sendToAll(this.sockets.speaking(2), data);
  }

  /** Sends any other frame to every open socket, after the messages still waiting (order holds); returns how many got it. */
  private broadcast(frame: ServerFrame): number {
    this.batcher.flush();
    return this.sendToAll(this.sockets.all(), encodeFrame(frame));
  }

  private sendToAll(sockets: Iterable<WebSocket>, data: string): number {
    let delivered = 0;
    for (const socket of sockets) {
      try {
        socket.send(data);
        delivered += 1;
      } catch {
        // A socket that died mid-broadcast gets its own close/error event; the others still get the frame.
      }
    }
    return delivered;
  }
}
