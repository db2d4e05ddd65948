import type { WebhookPayload } from '../../../contracts/webhooks.ts';
import type { Sql } from '../db/sql.ts';

/** An event as stored and sent: `body` is the exact JSON every attempt (and replay) signs. */
export interface StoredWebhookEvent {
  id: string;
  type: string;
  occurredAt: Date;
  body: string;
}

export interface NewWebhookEvent {
  /** The `webhook-id` receivers see: the Kafka event's own id, so a duplicate message maps to the same event. */
  id: string;
  type: string;
  occurredAt: Date;
  /** The resource, as the API returns it. */
  data: Record<string, unknown>;
  /** Whose `sequence` grows with this event (the video id), or null for events about no resource. */
  resourceId: string | null;
}

interface EventRow {
  id: string;
  type: string;
  occurred_at: Date;
  body: string;
}

const fromRow = (row: EventRow): StoredWebhookEvent => ({ id: row.id, type: row.type, occurredAt: new Date(row.occurred_at), body: row.body });

/** The body of an event: Standard Webhooks' `{type, timestamp, data}` plus the resource's `sequence`. */
export function webhookEventBody(event: NewWebhookEvent, sequence: number | null): string {
  const payload: WebhookPayload = { type: event.type, timestamp: event.occurredAt.toISOString(), ...(sequence === null ? {} : { sequence }), data: event.data };
  return JSON.stringify(payload);
}

/**
 * Stores `event` once, giving it the next sequence number of its resource; a second call with the same id
 * (a duplicated Kafka message) returns the first one unchanged and consumes no number.
 */
export async function recordWebhookEvent(sql: Sql, event: NewWebhookEvent): Promise<{ event: StoredWebhookEvent; created: boolean }> {
  const existing = await getWebhookEvent(sql, event.id);
  if (existing) return { event: existing, created: false };
  return sql.transaction(async (tx) => {
    const { rows: locked } = await tx.query<EventRow>('SELECT id, type, occurred_at, body FROM webhook_events WHERE id = $1 FOR UPDATE', [event.id]);
    if (locked[0]) return { event: fromRow(locked[0]), created: false };
    let sequence: number | null = null;
    if (event.resourceId !== null) {
      const { rows } = await tx.query<{ last_sequence: string | number }>(
        `INSERT INTO webhook_sequences (resource_id, last_sequence) VALUES ($1, 1)
         ON CONFLICT (resource_id) DO UPDATE SET last_sequence = webhook_sequences.last_sequence + 1 RETURNING last_sequence`,
        [event.resourceId],
      );
      sequence = Number(rows[0]!.last_sequence);
    }
    const { rows } = await tx.query<EventRow>(
      `INSERT INTO webhook_events (id, type, resource_id, sequence, occurred_at, body) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING RETURNING id, type, occurred_at, body`,
      [event.id, event.type, event.resourceId, sequence, event.occurredAt, webhookEventBody(event, sequence)],
    );
    // A concurrent consumer stored it first: its row wins, this transaction (and its sequence number) rolls back.
    if (!rows[0]) throw new EventStoredConcurrently(event.id);
    return { event: fromRow(rows[0]), created: true };
  }).catch(async (error: unknown) => {
    if (!(error instanceof EventStoredConcurrently)) throw error;
    return { event: (await getWebhookEvent(sql, event.id))!, created: false };
  });
}

class EventStoredConcurrently extends Error {}

export async function getWebhookEvent(sql: Sql, id: string): Promise<StoredWebhookEvent | null> {
  const { rows } = await sql.query<EventRow>('SELECT id, type, occurred_at, body FROM webhook_events WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Events that happened at or after `since`, oldest first (for a replay), at most `limit`. */
export async function listWebhookEventsSince(sql: Sql, since: Date, limit: number): Promise<StoredWebhookEvent[]> {
  const { rows } = await sql.query<EventRow>('SELECT id, type, occurred_at, body FROM webhook_events WHERE occurred_at >= $1 ORDER BY occurred_at, id LIMIT $2', [since, limit]);
  return rows.map(fromRow);
}

/** Its deliveries are started (the dispatcher took it): the outbox sweep leaves it alone from now on. */
export async function markWebhookEventDispatched(sql: Sql, id: string): Promise<void> {
  await sql.query(`UPDATE webhook_events SET dispatched_at = date_trunc('milliseconds', now()) WHERE id = $1 AND dispatched_at IS NULL`, [id]);
}

/** Events stored before `storedBefore` whose deliveries were never started (Temporal was down, the origin stopped), oldest first. */
export async function listUndispatchedWebhookEvents(sql: Sql, storedBefore: Date, limit: number): Promise<StoredWebhookEvent[]> {
  const { rows } = await sql.query<EventRow>(
    'SELECT id, type, occurred_at, body FROM webhook_events WHERE dispatched_at IS NULL AND created_at < $1 ORDER BY created_at, id LIMIT $2',
    [storedBefore, limit],
  );
  return rows.map(fromRow);
}
