import { hashSecret, newId, newSecret } from './secrets.ts';
import type { Sql } from './sql.ts';

/** An operator API token as stored: its hash never leaves this module, the token itself is never stored. */
export interface ApiToken {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiTokenRow {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = 'id, name, created_at, last_used_at, revoked_at';
// Longer input cannot be a token we issued; refusing it early bounds the work an attacker can cause.
const maxTokenLength = 200;
// Recording every use would turn each authenticated read into a write.
const lastUsedResolutionMs = 60_000;

function apiTokenFromRow(row: ApiTokenRow): ApiToken {
  const date = (value: Date | null) => (value === null ? null : new Date(value));
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at), lastUsedAt: date(row.last_used_at), revokedAt: date(row.revoked_at) };
}

/** Creates a token; the plain `token` is returned here once and cannot be recovered later. */
export async function createApiToken(sql: Sql, name: string, now: Date = new Date()): Promise<{ token: string; apiToken: ApiToken }> {
  const token = newSecret('vora');
  const { rows } = await sql.query<ApiTokenRow>(
    `INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
    [newId('tok'), name, hashSecret(token), now],
  );
  return { token, apiToken: apiTokenFromRow(rows[0]!) };
}

/**
 * The live token `token` names, or null. Looked up by its SHA-256, so lookup timing depends
 * on the hash, not on how many characters of a guess are right.
 */
export async function verifyApiToken(sql: Sql, token: string, now: Date = new Date()): Promise<ApiToken | null> {
  if (token.length === 0 || token.length > maxTokenLength) return null;
  const { rows } = await sql.query<ApiTokenRow>(
    `SELECT ${columns} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashSecret(token)],
  );
  const row = rows[0];
  if (!row) return null;
  const staleBefore = new Date(now.getTime() - lastUsedResolutionMs);
  if (row.last_used_at === null || new Date(row.last_used_at) < staleBefore) {
    await sql.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now]);
    row.last_used_at = now;
  }
  return apiTokenFromRow(row);
}

/** Revokes a token for good. False if there is no such live token. */
export async function revokeApiToken(sql: Sql, id: string, now: Date = new Date()): Promise<boolean> {
  const { rows } = await sql.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id, now]);
  return rows.length === 1;
}
