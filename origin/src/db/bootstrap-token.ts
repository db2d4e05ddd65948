import { hashSecret, newId } from './secrets.ts';
import type { Sql } from './sql.ts';

/**
 * Makes the operator token the stack was started with (VORA_API_TOKEN / .vora/secrets.json) a valid
 * API token, storing only its hash. Idempotent; a token that was revoked stays revoked.
 */
export async function ensureBootstrapToken(sql: Sql, token: string, now: Date = new Date()): Promise<void> {
  await sql.query(
    `INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES ($1, 'bootstrap (VORA_API_TOKEN)', $2, $3)
     ON CONFLICT (token_hash) DO NOTHING`,
    [newId('tok'), hashSecret(token), now],
  );
}
