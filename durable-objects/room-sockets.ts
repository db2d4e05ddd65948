import type { ChatProtocolVersion } from '../contracts/chat.ts';

/** What the room needs to know about an open socket on every broadcast: whose it is, which protocol it speaks. */
export interface SocketMember {
  userId: string;
  protocol: ChatProtocolVersion;
}

/**
 * The room's open sockets while the object is awake, so a broadcast walks a ready list instead of asking the
 * runtime for every socket (and its tags) per message, and presence counts people without a pass over them.
 * Rebuilt from the runtime's sockets and tags whenever the object wakes (see ChatRoom), so hibernation loses
 * nothing. Generic over the socket type so it is tested without a runtime.
 */
export class RoomSockets<S> {
  private readonly members = new Map<S, SocketMember>();
  private readonly socketsPerUser = new Map<string, number>();
  private readonly byProtocol = { 1: new Set<S>(), 2: new Set<S>() };

  add(socket: S, member: SocketMember): void {
    if (this.members.has(socket)) return;
    this.members.set(socket, member);
    this.byProtocol[member.protocol].add(socket);
    this.socketsPerUser.set(member.userId, (this.socketsPerUser.get(member.userId) ?? 0) + 1);
  }

  /** Idempotent: a socket may be reported closed and errored, or closed by the room and then by the client. */
  remove(socket: S): void {
    const member = this.members.get(socket);
    if (!member) return;
    this.members.delete(socket);
    this.byProtocol[member.protocol].delete(socket);
    const left = (this.socketsPerUser.get(member.userId) ?? 1) - 1;
    if (left === 0) this.socketsPerUser.delete(member.userId);
    else this.socketsPerUser.set(member.userId, left);
  }

  /** Open sockets in all. */
  get size(): number {
    return this.members.size;
  }

  /** Distinct users among the open sockets: presence counts people, not tabs. */
  get users(): number {
    return this.socketsPerUser.size;
  }

  all(): Iterable<S> {
    return this.members.keys();
  }

  speaking(protocol: ChatProtocolVersion): ReadonlySet<S> {
    return this.byProtocol[protocol];
  }
}
