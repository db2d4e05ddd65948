import type { ApiTokenScope } from '../../../contracts/api-tokens.ts';
import { hashSecret, newId, newSecret } from './secrets.ts';
import type { Sql } from './sql.ts';

/** An operator API token as stored: its hash never leaves this module, the token itself is never stored. */
export interface ApiToken {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiTokenRow {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = 'id, name, scopes, created_at, last_used_at, revoked_at';
// Longer input cannot be a token we issued; refusing it early bounds the work an attacker can cause.
const maxTokenLength = 200;
// Recording every use would turn each authenticated read into a write.
const lastUsedResolutionMs = 60_000;

function apiTokenFromRow(row: ApiTokenRow): ApiToken {
  const date = (value: Date | null) => (value === null ? null : new Date(value));
  return { id: row.id, name: row.name, scopes: [...row.scopes], createdAt: new Date(row.created_at), lastUsedAt: date(row.last_used_at), revokedAt: date(row.revoked_at) };
}

/** Creates a token (full rights unless `scopes` says less); the plain `token` is returned here once and cannot be recovered later. */
export async function createApiToken(sql: Sql, name: string, scopes: readonly ApiTokenScope[] = ['admin'], now: Date = new Date()): Promise<{ token: string; apiToken: ApiToken }> {
  const token = newSecret('vora');
  const { rows } = await sql.query<ApiTokenRow>(
    `INSERT INTO api_tokens (id, name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${columns}`,
    [newId('tok'), name, hashSecret(token), [...scopes], now],
  );
  return { token, apiToken: apiTokenFromRow(rows[0]!) };
}

/** Every token, live and revoked, newest first (revoked ones stay listed so an operator can see what was cut off). */
export async function listApiTokens(sql: Sql): Promise<ApiToken[]> {
  const { rows } = await sql.query<ApiTokenRow>(`SELECT ${columns} FROM api_tokens ORDER BY created_at DESC, id`);
  return rows.map(apiTokenFromRow);
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
