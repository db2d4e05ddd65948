import type { Sql } from '../db/sql.ts';

/**
 * Webhook message ids seen recently (replay protection). `claim` is atomic: of two deliveries of one
 * id, exactly one gets true. `release` undoes a claim whose processing failed, so the sender's retry
 * is processed rather than taken for a duplicate.
 */
export interface MessageIdStore {
  claim(source: string, messageId: string): Promise<boolean>;
  release(source: string, messageId: string): Promise<void>;
}

/** Ids are kept this long: past the 10-minute age limit, a replay is refused by its timestamp anyway. */
export const MESSAGE_ID_RETENTION_MS = 20 * 60_000;
/** Pruning runs at most this often, so a busy webhook does not pay a DELETE per request. */
const pruneEveryMs = 60_000;

/** In the metadata DB (table `webhook_messages`): shared by every origin process, survives restarts. */
export function sqlMessageIdStore(sql: Sql, options: { retentionMs?: number } = {}): MessageIdStore {
  const retentionMs = options.retentionMs ?? MESSAGE_ID_RETENTION_MS;
  let prunedAt = 0;
  return {
    async claim(source, messageId) {
      if (Date.now() - prunedAt > pruneEveryMs) {
        prunedAt = Date.now();
        await sql.query(`DELETE FROM webhook_messages WHERE received_at < now() - make_interval(secs => $1)`, [retentionMs / 1000]);
      }
      const { rows } = await sql.query(
        `INSERT INTO webhook_messages (source, message_id) VALUES ($1, $2) ON CONFLICT (source, message_id) DO NOTHING RETURNING message_id`,
        [source, messageId],
      );
      return rows.length === 1;
    },
    async release(source, messageId) {
      await sql.query(`DELETE FROM webhook_messages WHERE source = $1 AND message_id = $2`, [source, messageId]);
    },
  };
}

/** In this process only (tests, or a single origin without a DB): bounded by age, then by count. */
export function memoryMessageIdStore(options: { retentionMs?: number; maxEntries?: number; now?: () => number } = {}): MessageIdStore {
  const retentionMs = options.retentionMs ?? MESSAGE_ID_RETENTION_MS;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>(); // insertion order = age order
  const prune = () => {
    for (const [key, at] of seen) {
      if (now() - at <= retentionMs && seen.size <= maxEntries) break;
      seen.delete(key);
    }
  };
  return {
    async claim(source, messageId) {
      prune();
      const key = `${source}\u0000${messageId}`;
      if (seen.has(key)) return false;
      seen.set(key, now());
      return true;
    },
    async release(source, messageId) {
      seen.delete(`${source}\u0000${messageId}`);
    },
  };
}
