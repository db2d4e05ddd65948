// The soak's chat: rooms of WebSocket clients through the edge (chat tokens minted by the origin), each client sending
// a message every few seconds (below the rooms' rate limit), one client replaced now and then (leave, join), and every
// message accounted for by the ledger: sent once, owed to each member of the room, received or lost.
import { WebSocket } from 'undici';
import { ApiError, type JsonClient } from '../../../cli/lib/api-client.ts';
import { ChatLedger } from './chat-ledger.ts';
import type { Tally } from './tally.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChatLoadOptions {
  api: JsonClient;
  errors: Tally;
  rooms: string[];
  clientsPerRoom: number;
  /** Each client sends one message this often (jittered ±25 %). */
  sendEveryMs: number;
  /** One client (the longest connected) is replaced this often. */
  churnEveryMs: number;
}

interface Client {
  id: string;
  room: string;
  socket: WebSocket;
  leaving: boolean;
  sent: number;
}

interface Frame {
  type?: string;
  nonce?: string;
  code?: string;
  message?: string;
  messages?: Array<{ nonce?: string }>;
}

export class ChatLoad {
  readonly ledger = new ChatLedger();
  joins = 0;
  private readonly clients = new Set<Client>();

  constructor(private readonly options: ChatLoadOptions) {}

  async start(): Promise<void> {
    for (const room of this.options.rooms) {
      for (let i = 0; i < this.options.clientsPerRoom; i += 1) await this.join(room);
    }
  }

  private async join(room: string): Promise<void> {
    const id = `soak-${room}-${this.joins}`;
    this.joins += 1;
    let url: string;
    try {
      url = (await this.options.api.request<{ url: string }>('POST', '/v1/chat/tokens', { room, userId: id, name: id, ttlSeconds: 4 * 3600 })).url;
    } catch (error) {
      this.options.errors.add(`chat: token ${error instanceof ApiError ? error.status : 'no answer'}`, (error as Error).message);
      return;
    }
    const socket = new WebSocket(`${url}&v=1`);
    const client: Client = { id, room, socket, leaving: false, sent: 0 };
    socket.addEventListener('message', (event) => this.onFrame(client, String(event.data)));
    socket.addEventListener('close', (event) => {
      this.clients.delete(client);
      if (client.leaving) return;
      this.ledger.leave(id, Date.now());
      this.options.errors.add(`chat: socket closed by the server (${event.code})`, `${id}: ${event.reason}`);
    });
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      socket.addEventListener('open', () => (clearTimeout(timer), resolve(true)));
      socket.addEventListener('error', () => (clearTimeout(timer), resolve(false)));
    });
    if (!opened) {
      client.leaving = true;
      socket.close();
      this.options.errors.add('chat: socket did not open', id);
      return;
    }
    this.ledger.join(id, room, Date.now());
    this.clients.add(client);
  }

  private onFrame(client: Client, data: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      this.options.errors.add('chat: unparsable frame', data.slice(0, 160));
      return;
    }
    if (frame.type === 'message' && frame.nonce) this.ledger.received(client.id, frame.nonce);
    // A joiner's history may hold a message sent while its upgrade completed.
    if (frame.type === 'history') for (const message of frame.messages ?? []) if (message.nonce) this.ledger.received(client.id, message.nonce);
    if (frame.type === 'error') this.options.errors.add(`chat: error frame ${frame.code}`, `${client.id}: ${frame.message}`);
  }

  /** Sending loops (one per client present) and the churn, until `endAt`; each client sends at most `maxPerClient`. */
  async run(endAt: number, maxPerClient: number): Promise<void> {
    const senders = new Map<Client, Promise<void>>();
    const sendLoop = async (client: Client) => {
      while (Date.now() < endAt && client.sent < maxPerClient && !client.leaving && this.clients.has(client)) {
        await sleep(this.options.sendEveryMs * (0.75 + Math.random() * 0.5));
        if (Date.now() >= endAt || client.leaving || !this.clients.has(client)) return;
        const nonce = `${client.id}-${client.sent}`;
        client.sent += 1;
        this.ledger.sent(nonce, client.room, Date.now());
        client.socket.send(JSON.stringify({ type: 'send', text: `soak message ${nonce}`, nonce }));
      }
    };
    const startSenders = () => {
      for (const client of this.clients) if (!senders.has(client)) senders.set(client, sendLoop(client));
    };
    startSenders();
    let nextChurn = Date.now() + this.options.churnEveryMs;
    while (Date.now() < endAt) {
      await sleep(Math.max(0, Math.min(1_000, endAt - Date.now())));
      if (Date.now() >= nextChurn && Date.now() < endAt) {
        nextChurn += this.options.churnEveryMs;
        const oldest = [...this.clients][0];
        if (oldest) {
          await this.leave(oldest);
          await this.join(oldest.room);
        }
      }
      // Rooms below strength (a socket the server closed) get a new client, as a user would reconnect.
      for (const room of this.options.rooms) {
        const present = [...this.clients].filter((client) => client.room === room).length;
        for (let i = present; i < this.options.clientsPerRoom && Date.now() < endAt; i += 1) await this.join(room);
      }
      startSenders();
    }
    await Promise.all(senders.values());
  }

  /** Stops owing the client anything new, waits (≤ 10 s) for what it is owed, then closes its socket. */
  private async leave(client: Client): Promise<void> {
    client.leaving = true;
    this.ledger.leave(client.id, Date.now());
    const deadline = Date.now() + 10_000;
    while (this.ledger.missing(client.id) > 0 && Date.now() < deadline) await sleep(100);
    client.socket.close(1000, 'soak: leaving');
  }

  /** After the last send: waits (≤ `timeoutMs`) until every member has what it is owed, then closes every socket. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.clients].some((client) => this.ledger.missing(client.id) > 0) && Date.now() < deadline) await sleep(200);
    await Promise.all([...this.clients].map((client) => this.leave(client)));
  }
}
