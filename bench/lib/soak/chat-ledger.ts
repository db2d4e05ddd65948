/**
 * Who should have received which chat message: a message sent at time S in a room is owed to every client of that
 * room that joined at or before S and had not begun leaving by S (a leaving client first waits for what it is owed).
 * Pure bookkeeping; the sockets live in chat-load.ts.
 */
interface Member {
  room: string;
  joinedAt: number;
  leftAt: number | null;
  received: Set<string>;
}

interface Sent {
  nonce: string;
  room: string;
  at: number;
}

export interface ChatAccount {
  sent: number;
  /** Deliveries owed: (message, member) pairs. */
  owed: number;
  delivered: number;
  lost: number;
  /** A few missing deliveries as `nonce → client`, to look for in the logs. */
  examples: string[];
}

export class ChatLedger {
  private readonly members = new Map<string, Member>();
  private readonly messages: Sent[] = [];

  join(clientId: string, room: string, at: number): void {
    this.members.set(clientId, { room, joinedAt: at, leftAt: null, received: new Set() });
  }

  /** From `at` on, the client is owed nothing new (it is leaving, or its socket closed). */
  leave(clientId: string, at: number): void {
    const member = this.members.get(clientId);
    if (member && member.leftAt === null) member.leftAt = at;
  }

  sent(nonce: string, room: string, at: number): void {
    this.messages.push({ nonce, room, at });
  }

  received(clientId: string, nonce: string): void {
    this.members.get(clientId)?.received.add(nonce);
  }

  private owes(member: Member, message: Sent): boolean {
    return member.room === message.room && member.joinedAt <= message.at && (member.leftAt === null || message.at < member.leftAt);
  }

  /** Messages owed to one client that it has not received (yet). */
  missing(clientId: string): number {
    const member = this.members.get(clientId);
    if (!member) return 0;
    return this.messages.filter((message) => this.owes(member, message) && !member.received.has(message.nonce)).length;
  }

  account(): ChatAccount {
    let owed = 0;
    let delivered = 0;
    const examples: string[] = [];
    for (const message of this.messages) {
      for (const [clientId, member] of this.members) {
        if (!this.owes(member, message)) continue;
        owed += 1;
        if (member.received.has(message.nonce)) delivered += 1;
        else if (examples.length < 5) examples.push(`${message.nonce} → ${clientId}`);
      }
    }
    return { sent: this.messages.length, owed, delivered, lost: owed - delivered, examples };
  }
}
