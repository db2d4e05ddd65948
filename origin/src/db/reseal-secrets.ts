import type { SecretsColumnProgress, SecretsResealFailure } from '../../../contracts/secrets.ts';
import { SecretsKeyMissing, sealedUnderKeyPattern, type SealedSecrets } from './sealed-secrets.ts';
import type { Sql } from './sql.ts';

/**
 * Key rotation of `VORA_SECRETS_KEY`: every sealed column of the DB, and the re-seal that moves each value sealed
 * under another key (`VORA_SECRETS_KEY_PREVIOUS`, or v1 text from before key ids) to the current one. The columns are
 * listed in `secrets/sealed-columns.ts`.
 */
export interface SealedColumn {
  table: string;
  column: string;
  /** What a value of row `id` belongs to: the additional data it was sealed with (the owner module's own function). */
  owner(id: string): string;
}

export type ResealProgress = SecretsColumnProgress;
export type ResealFailure = SecretsResealFailure;

export interface ResealReport {
  keyId: string;
  columns: ResealProgress[];
  resealed: number;
  /** Values left under another key: they still open only while that key is given. Empty once rotation is complete. */
  failures: ResealFailure[];
}

/** Rows read per query, so a large table is re-sealed in bounded steps with progress between them. */
const BATCH = 200;

/**
 * Re-seals, column by column, each sealed value not under `sealed`'s current key. A value changed meanwhile (a secret
 * rotated by its API) is left as it is: it was sealed under the current key anyway. A value that does not open is
 * reported, never rewritten, so nothing is lost; `onProgress` hears each batch.
 */
export async function resealStoredSecrets(sql: Sql, sealed: SealedSecrets, columns: readonly SealedColumn[], onProgress?: (progress: ResealProgress) => void): Promise<ResealReport> {
  const report: ResealReport = { keyId: sealed.keyId, columns: [], resealed: 0, failures: [] };
  for (const { table, column, owner } of columns) {
    const progress: ResealProgress = { table, column, resealed: 0 };
    // One walk in id order (a cursor, not OFFSET): rows that fail are passed, so every batch makes progress.
    let after = '';
    for (;;) {
      const { rows } = await sql.query<{ id: string; value: string }>(
        `SELECT id, ${column} AS value FROM ${table} WHERE ${column} LIKE 'sealed:%' AND ${column} NOT LIKE $1 AND id > $2 ORDER BY id LIMIT ${BATCH}`,
        [sealedUnderKeyPattern(sealed.keyId), after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      for (const row of rows) {
        let resealedValue: string;
        try {
          resealedValue = sealed.seal(sealed.open(row.value, owner(row.id)), owner(row.id));
        } catch (error) {
          report.failures.push({ table, column, id: row.id, cause: error instanceof SecretsKeyMissing ? 'key_missing' : 'unreadable', message: (error as Error).message });
          continue;
        }
        const { rows: changed } = await sql.query(`UPDATE ${table} SET ${column} = $2 WHERE id = $1 AND ${column} = $3 RETURNING id`, [row.id, resealedValue, row.value]);
        progress.resealed += changed.length;
        // Changed meanwhile: the API sealed a new value, under the current key.
      }
      onProgress?.({ ...progress });
    }
    report.columns.push(progress);
    report.resealed += progress.resealed;
  }
  return report;
}

/** Values that still need a key other than the current one (after a re-seal: only those that failed). */
export async function countSecretsUnderOtherKeys(sql: Sql, sealed: SealedSecrets, columns: readonly SealedColumn[]): Promise<number> {
  let count = 0;
  for (const { table, column } of columns) {
    const { rows } = await sql.query<{ count: string | number }>(`SELECT count(*) AS count FROM ${table} WHERE ${column} LIKE 'sealed:%' AND ${column} NOT LIKE $1`, [sealedUnderKeyPattern(sealed.keyId)]);
    count += Number(rows[0]!.count);
  }
  return count;
}
