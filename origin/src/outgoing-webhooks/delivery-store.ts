import type { WebhookDeliveryStatus, WebhookDeliveryView } from '../../../contracts/webhooks.ts';
import { newId } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';

/** The first 1 KiB of a response body is kept in the log (the rest is read, up to 64 KiB, and dropped). */
export const LOGGED_BODY_CHARS = 1024;

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  run: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastResponseBody: string | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  run: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_response_body: string | null;
  last_error: string | null;
  last_latency_ms: number | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const columns = `d.id, d.endpoint_id, d.event_id, e.type AS event_type, d.run, d.status, d.attempts, d.last_status_code, d.last_response_body, d.last_error,
  d.last_latency_ms, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at`;
const fromDeliveries = 'webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id';
const nowMs = `date_trunc('milliseconds', now())`;
const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));

function deliveryFromRow(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    run: row.run,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastResponseBody: row.last_response_body,
    lastError: row.last_error,
    lastLatencyMs: row.last_latency_ms,
    lastAttemptAt: dateOrNull(row.last_attempt_at),
    nextAttemptAt: dateOrNull(row.next_attempt_at),
    deliveredAt: dateOrNull(row.delivered_at),
    createdAt: new Date(row.created_at),
  };
}

export function webhookDeliveryView(delivery: WebhookDelivery): WebhookDeliveryView {
  const iso = (value: Date | null) => value?.toISOString() ?? null;
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastResponseBody: delivery.lastResponseBody,
    lastError: delivery.lastError,
    lastLatencyMs: delivery.lastLatencyMs,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    deliveredAt: iso(delivery.deliveredAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}

/** The one delivery of (endpoint, event), created pending if there was none; `created` says which. */
export async function ensureWebhookDelivery(sql: Sql, endpointId: string, eventId: string): Promise<{ delivery: WebhookDelivery; created: boolean }> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, next_attempt_at) VALUES ($1, $2, $3, ${nowMs}) ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
    [newId('whd'), endpointId, eventId],
  );
  const { rows: found } = await sql.query<DeliveryRow>(`SELECT ${columns} FROM ${fromDeliveries} WHERE d.endpoint_id = $1 AND d.event_id = $2`, [endpointId, eventId]);
  return { delivery: deliveryFromRow(found[0]!), created: rows.length === 1 };
}

export async function getWebhookDelivery(sql: Sql, id: string): Promise<WebhookDelivery | null> {
  const { rows } = await sql.query<DeliveryRow>(`SELECT ${columns} FROM ${fromDeliveries} WHERE d.id = $1`, [id]);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/** An endpoint's deliveries, newest first; `before` (a delivery id) pages on. */
export async function listWebhookDeliveries(sql: Sql, endpointId: string, options: { limit: number; status?: WebhookDeliveryStatus }): Promise<WebhookDelivery[]> {
  const params: unknown[] = [endpointId, options.limit];
  const statusFilter = options.status ? (params.push(options.status), `AND d.status = $${params.length}`) : '';
  const { rows } = await sql.query<DeliveryRow>(`SELECT ${columns} FROM ${fromDeliveries} WHERE d.endpoint_id = $1 ${statusFilter} ORDER BY e.occurred_at DESC, d.id DESC LIMIT $2`, params);
  return rows.map(deliveryFromRow);
}

/**
 * Starts the next run of a delivery that is not pending (a retry or replay): pending again, attempts kept.
 * Null when it is pending already (its workflow is still trying) or does not exist.
 */
export async function startNextDeliveryRun(sql: Sql, id: string): Promise<WebhookDelivery | null> {
  const { rows } = await sql.query<{ id: string }>(
    `UPDATE webhook_deliveries SET run = run + 1, status = 'pending', next_attempt_at = ${nowMs}, delivered_at = NULL WHERE id = $1 AND status <> 'pending' RETURNING id`,
    [id],
  );
  return rows[0] ? getWebhookDelivery(sql, id) : null;
}

export interface AttemptRecord {
  deliveryId: string;
  run: number;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  latencyMs: number;
  /** The delivery's status after this attempt, and when the next one is due (pending only). */
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
}

/** Logs one attempt and folds it into its delivery; a repeated record of the same attempt (activity retry) overwrites it. */
export async function recordWebhookAttempt(sql: Sql, record: AttemptRecord): Promise<void> {
  const body = record.responseBody === null ? null : record.responseBody.slice(0, LOGGED_BODY_CHARS);
  await sql.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO webhook_attempts (delivery_id, run, attempt, attempted_at, status_code, response_body, error, latency_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (delivery_id, run, attempt) DO UPDATE SET attempted_at = EXCLUDED.attempted_at, status_code = EXCLUDED.status_code,
         response_body = EXCLUDED.response_body, error = EXCLUDED.error, latency_ms = EXCLUDED.latency_ms`,
      [record.deliveryId, record.run, record.attempt, record.attemptedAt, record.statusCode, body, record.error, record.latencyMs],
    );
    await tx.query(
      `UPDATE webhook_deliveries SET
         attempts = (SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1),
         status = $2::text, last_status_code = $3, last_response_body = $4, last_error = $5, last_latency_ms = $6, last_attempt_at = $7,
         next_attempt_at = $8, delivered_at = CASE WHEN $2::text = 'delivered' THEN $7 ELSE delivered_at END
       WHERE id = $1 AND run = $9`,
      [record.deliveryId, record.status, record.statusCode, body, record.error, record.latencyMs, record.attemptedAt, record.nextAttemptAt, record.run],
    );
  });
}

/** A delivery ends without an attempt (its endpoint was disabled or deleted meanwhile). */
export async function giveUpWebhookDelivery(sql: Sql, id: string, run: number, reason: string): Promise<void> {
  await sql.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $3, next_attempt_at = NULL WHERE id = $1 AND run = $2`, [id, run, reason]);
}
