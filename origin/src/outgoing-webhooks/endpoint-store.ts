import type { WebhookEndpointView } from '../../../contracts/webhooks.ts';
import { isSealed, type SealedSecrets } from '../db/sealed-secrets.ts';
import { newId } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { newWebhookSecret, ROTATED_SECRET_GRACE_MS } from './signing.ts';

/**
 * An endpoint as stored. Its secrets stay sealed (`db/sealed-secrets.ts`) until an attempt signs with them
 * (`openSigningSecrets`); they leave the origin only once, in the answer that created or rotated them.
 */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  sealedSecret: string;
  sealedPreviousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  events: string[] | string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, url, description, events, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, failing_since, created_at, updated_at';
const nowMs = `date_trunc('milliseconds', now())`;
const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));

function endpointFromRow(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: typeof row.events === 'string' ? (JSON.parse(row.events) as string[]) : row.events,
    sealedSecret: row.secret,
    sealedPreviousSecret: row.previous_secret,
    previousSecretExpiresAt: dateOrNull(row.previous_secret_expires_at),
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: dateOrNull(row.failing_since),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** An endpoint just created or rotated, with its new secret in clear: the one time it is shown. */
export type NewlyKeyedEndpoint = WebhookEndpoint & { secret: string };

/** The API's JSON of an endpoint; `secret` only in the answer that created or rotated it. */
export function webhookEndpointView(endpoint: WebhookEndpoint | NewlyKeyedEndpoint): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...('secret' in endpoint ? { secret: endpoint.secret } : {}),
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
  };
}

/** What a sealed secret of `endpointId` belongs to (its additional data): a sealed value copied to another endpoint does not open. */
export const secretOwner = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/** The secrets an attempt signs with, in clear: the current one and the previous one (still within its grace or not: `signingSecrets` decides). */
export function openSigningSecrets(endpoint: WebhookEndpoint, sealed: SealedSecrets): { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null } {
  const owner = secretOwner(endpoint.id);
  return {
    secret: sealed.open(endpoint.sealedSecret, owner),
    previousSecret: endpoint.sealedPreviousSecret === null ? null : sealed.open(endpoint.sealedPreviousSecret, owner),
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
  };
}

export async function createWebhookEndpoint(sql: Sql, sealed: SealedSecrets, input: { url: string; events: string[]; description: string }): Promise<NewlyKeyedEndpoint> {
  const id = newId('whe');
  const secret = newWebhookSecret();
  const { rows } = await sql.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, url, description, events, secret) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING ${columns}`,
    [id, input.url, input.description, JSON.stringify(input.events), sealed.seal(secret, secretOwner(id))],
  );
  return { ...endpointFromRow(rows[0]!), secret };
}

export async function getWebhookEndpoint(sql: Sql, id: string): Promise<WebhookEndpoint | null> {
  const { rows } = await sql.query<EndpointRow>(`SELECT ${columns} FROM webhook_endpoints WHERE id = $1`, [id]);
  return rows[0] ? endpointFromRow(rows[0]) : null;
}

/** Every endpoint, newest first (an operator has a handful, not thousands). */
export async function listWebhookEndpoints(sql: Sql): Promise<WebhookEndpoint[]> {
  const { rows } = await sql.query<EndpointRow>(`SELECT ${columns} FROM webhook_endpoints ORDER BY created_at DESC, id DESC`);
  return rows.map(endpointFromRow);
}

/** The endpoints an event may go to now (enabled); the caller matches their filters. */
export async function listEnabledWebhookEndpoints(sql: Sql): Promise<WebhookEndpoint[]> {
  const { rows } = await sql.query<EndpointRow>(`SELECT ${columns} FROM webhook_endpoints WHERE enabled ORDER BY created_at, id`);
  return rows.map(endpointFromRow);
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

/** Applies `patch`; enabling clears the reason and the failure clock, disabling by hand records who did it. */
export async function updateWebhookEndpoint(sql: Sql, id: string, patch: EndpointPatch): Promise<WebhookEndpoint | null> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (patch.url !== undefined) set('url', patch.url);
  if (patch.events !== undefined) set('events', JSON.stringify(patch.events), '::jsonb');
  if (patch.description !== undefined) set('description', patch.description);
  if (patch.enabled === true) sets.push('enabled = true', 'disabled_reason = NULL', 'failing_since = NULL');
  if (patch.enabled === false) sets.push('enabled = false', `disabled_reason = COALESCE(disabled_reason, 'disabled by the operator')`);
  sets.push(`updated_at = ${nowMs}`);
  const { rows } = await sql.query<EndpointRow>(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE id = $1 RETURNING ${columns}`, params);
  return rows[0] ? endpointFromRow(rows[0]) : null;
}

/** Vora disables an endpoint itself (410 Gone, failing for days); false when it was already disabled. */
export async function disableWebhookEndpoint(sql: Sql, id: string, reason: string): Promise<boolean> {
  const { rows } = await sql.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = ${nowMs} WHERE id = $1 AND enabled RETURNING id`, [id, reason]);
  return rows.length === 1;
}

/** A new secret; the current one keeps signing beside it for 24 h so receivers switch without losing a message. */
export async function rotateWebhookSecret(sql: Sql, sealed: SealedSecrets, id: string, now: Date = new Date()): Promise<NewlyKeyedEndpoint | null> {
  const secret = newWebhookSecret();
  const { rows } = await sql.query<EndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $3, secret = $2, updated_at = ${nowMs} WHERE id = $1 RETURNING ${columns}`,
    [id, sealed.seal(secret, secretOwner(id)), new Date(now.getTime() + ROTATED_SECRET_GRACE_MS)],
  );
  return rows[0] ? { ...endpointFromRow(rows[0]), secret } : null;
}

/**
 * Seals the secrets stored in clear before sealing existed (the origin runs it at start); returns how many
 * endpoints it rewrote. A row changed meanwhile is left for the next start: its clear secret still signs.
 */
export async function sealClearWebhookSecrets(sql: Sql, sealed: SealedSecrets): Promise<number> {
  const { rows } = await sql.query<{ id: string; secret: string; previous_secret: string | null }>(
    `SELECT id, secret, previous_secret FROM webhook_endpoints WHERE secret NOT LIKE 'sealed:%' OR previous_secret NOT LIKE 'sealed:%'`,
  );
  let rewritten = 0;
  for (const row of rows) {
    const sealOnce = (stored: string | null) => (stored === null || isSealed(stored) ? stored : sealed.seal(stored, secretOwner(row.id)));
    const { rows: changed } = await sql.query(
      `UPDATE webhook_endpoints SET secret = $2, previous_secret = $3 WHERE id = $1 AND secret = $4 AND previous_secret IS NOT DISTINCT FROM $5 RETURNING id`,
      [row.id, sealOnce(row.secret), sealOnce(row.previous_secret), row.secret, row.previous_secret],
    );
    rewritten += changed.length;
  }
  return rewritten;
}

export async function deleteWebhookEndpoint(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query('DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id', [id]);
  return rows.length === 1;
}

/** Records the outcome of an attempt on the endpoint's failure clock: a success stops it, a failure starts it once. */
export async function recordEndpointHealth(sql: Sql, id: string, succeeded: boolean, at: Date): Promise<WebhookEndpoint | null> {
  const { rows } = await sql.query<EndpointRow>(
    succeeded
      ? `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 RETURNING ${columns}`
      : `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2) WHERE id = $1 RETURNING ${columns}`,
    succeeded ? [id] : [id, at],
  );
  return rows[0] ? endpointFromRow(rows[0]) : null;
}
