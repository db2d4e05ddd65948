import { CHAT_LIMITS, ChatRules, type ChatRole, type MessageFrame } from '../contracts/chat.ts';
import { DEFAULT_CHAT_RULES, type TokenBucket } from './chat-rules.ts';
import type { PresenceSent } from './presence-throttle.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
  user_role TEXT NOT NULL, text TEXT NOT NULL, nonce TEXT NOT NULL, at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS bans (user_id TEXT PRIMARY KEY, by_user TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (user_id TEXT PRIMARY KEY, tokens REAL, refilled_at INTEGER, last_sent_at INTEGER, timed_out_until INTEGER);
CREATE TABLE IF NOT EXISTS events_seen (id TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`;

type MessageRow = { seq: number; id: string; user_id: string; user_name: string; user_role: string; text: string; nonce: string; at: string };
type UserRow = { tokens: number | null; refilled_at: number | null; last_sent_at: number | null; timed_out_until: number | null };

const toFrame = (row: MessageRow): MessageFrame => ({
  type: 'message',
  seq: row.seq,
  id: row.id,
  user: { id: row.user_id, name: row.user_name, role: row.user_role as ChatRole },
  text: row.text,
  at: row.at,
  nonce: row.nonce,
});

/** Everything a room keeps in its SQLite storage besides the seq counter. Tables appear on first use, so probes write nothing. */
export class RoomStore {
  private schemaReady = false;
  private rulesCache: ChatRules | null = null;

  constructor(private readonly sql: SqlStorage) {}

  private db(): SqlStorage {
    if (!this.schemaReady) {
      this.sql.exec(SCHEMA);
      this.schemaReady = true;
    }
    return this.sql;
  }

  /** Stores a broadcast message and prunes everything older than the last `historySize`. */
  appendMessage(frame: MessageFrame): void {
    const { seq, id, user, text, nonce, at } = frame;
    const db = this.db();
    db.exec(`INSERT INTO messages (seq, id, user_id, user_name, user_role, text, nonce, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, seq, id, user.id, user.name, user.role, text, nonce, at);
    db.exec(`DELETE FROM messages WHERE seq <= ?`, seq - CHAT_LIMITS.historySize);
  }

  /** Kept, undeleted messages after `since` (all kept when null), oldest first; `truncated` when some after `since` were pruned. */
  history(since: number | null): { messages: MessageFrame[]; truncated: boolean } {
    const db = this.db();
    const rows = db.exec<MessageRow>(`SELECT * FROM messages WHERE seq > ? AND deleted = 0 ORDER BY seq`, since ?? 0).toArray();
    const oldest = db.exec<{ seq: number | null }>(`SELECT MIN(seq) AS seq FROM messages`).one().seq;
    const truncated = oldest !== null && oldest > (since ?? 0) + 1;
    return { messages: rows.map(toFrame), truncated };
  }

  authorOf(messageId: string): { id: string; role: ChatRole } | null {
    const row = this.db().exec<{ user_id: string; user_role: string }>(`SELECT user_id, user_role FROM messages WHERE id = ? AND deleted = 0`, messageId).toArray()[0];
    return row ? { id: row.user_id, role: row.user_role as ChatRole } : null;
  }

  /** The role a user last wrote with, or null if they have no kept message. */
  lastRoleOf(userId: string): ChatRole | null {
    const row = this.db().exec<{ user_role: string }>(`SELECT user_role FROM messages WHERE user_id = ? ORDER BY seq DESC LIMIT 1`, userId).toArray()[0];
    return (row?.user_role as ChatRole | undefined) ?? null;
  }

  deleteMessage(messageId: string): boolean {
    return this.db().exec(`UPDATE messages SET deleted = 1 WHERE id = ? AND deleted = 0`, messageId).rowsWritten > 0;
  }

  isBanned(userId: string): boolean {
    return this.db().exec(`SELECT 1 FROM bans WHERE user_id = ?`, userId).toArray().length > 0;
  }

  ban(userId: string, byUser: string, now: number): void {
    this.db().exec(`INSERT INTO bans (user_id, by_user, at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, userId, byUser, now);
  }

  user(userId: string): { bucket: TokenBucket | null; lastSentAt: number | null; timedOutUntil: number | null } {
    const row = this.db().exec<UserRow>(`SELECT tokens, refilled_at, last_sent_at, timed_out_until FROM users WHERE user_id = ?`, userId).toArray()[0];
    const bucket = row?.tokens != null && row.refilled_at != null ? { tokens: row.tokens, refilledAt: row.refilled_at } : null;
    return { bucket, lastSentAt: row?.last_sent_at ?? null, timedOutUntil: row?.timed_out_until ?? null };
  }

  recordSend(userId: string, bucket: TokenBucket, now: number): void {
    this.db().exec(
      `INSERT INTO users (user_id, tokens, refilled_at, last_sent_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at, last_sent_at = excluded.last_sent_at`,
      userId, bucket.tokens, bucket.refilledAt, now,
    );
  }

  timeOut(userId: string, until: number): void {
    this.db().exec(`INSERT INTO users (user_id, timed_out_until) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET timed_out_until = excluded.timed_out_until`, userId, until);
  }

  /** True the first time an event id is seen; remembers the last `eventIdsKept` ids. */
  rememberEvent(eventId: string): boolean {
    const db = this.db();
    const next = db.exec<{ n: number }>(`SELECT COALESCE(MAX(n), 0) + 1 AS n FROM events_seen`).one().n;
    const inserted = db.exec(`INSERT INTO events_seen (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, eventId, next).rowsWritten > 0;
    if (inserted) db.exec(`DELETE FROM events_seen WHERE n <= ?`, next - CHAT_LIMITS.eventIdsKept);
    return inserted;
  }

  rules(): ChatRules {
    if (this.rulesCache) return this.rulesCache;
    const row = this.db().exec<{ value: string }>(`SELECT value FROM room_meta WHERE key = 'rules'`).toArray()[0];
    const parsed = row ? ChatRules.safeParse(JSON.parse(row.value)) : null;
    this.rulesCache = parsed?.success ? parsed.data : DEFAULT_CHAT_RULES;
    return this.rulesCache;
  }

  setRules(rules: ChatRules): ChatRules {
    this.db().exec(`INSERT INTO room_meta (key, value) VALUES ('rules', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, JSON.stringify(rules));
    this.rulesCache = rules;
    return rules;
  }

  presenceSent(): PresenceSent | null {
    const row = this.db().exec<{ value: string }>(`SELECT value FROM room_meta WHERE key = 'presence'`).toArray()[0];
    return row ? (JSON.parse(row.value) as PresenceSent) : null;
  }

  setPresenceSent(sent: PresenceSent): void {
    this.db().exec(`INSERT INTO room_meta (key, value) VALUES ('presence', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, JSON.stringify(sent));
  }
}
