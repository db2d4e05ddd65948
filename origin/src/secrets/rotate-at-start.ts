import type { Logger } from 'pino';
import { resealStoredSecrets, type ResealReport } from '../db/reseal-secrets.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import { STORED_SECRET_COLUMNS } from './sealed-columns.ts';

/** Stored secrets need a key this origin was not given: starting would leave them unusable (deliveries, SRT, restreams fail). */
export class StoredSecretsNeedMissingKey extends Error {}

/** Pure: the refusal for a report whose failures include missing keys, or null. Names the rows and the fix. */
export function missingKeyRefusal(report: ResealReport): string | null {
  const missing = report.failures.filter((failure) => failure.cause === 'key_missing');
  if (missing.length === 0) return null;
  const named = missing.slice(0, 5).map((failure) => `${failure.table}.${failure.column} of ${failure.id}`).join(', ');
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
  return `${missing.length} stored secret(s) (${named}${more}) are sealed under a key this origin does not have — ${missing[0]!.message}`;
}

/**
 * At start: every stored secret sealed under another key (the one VORA_SECRETS_KEY replaced, given as
 * VORA_SECRETS_KEY_PREVIOUS) is re-sealed under VORA_SECRETS_KEY, with a log line per batch and the count. Refuses to
 * start when some need a key it was not given, rather than run without them; an altered row is logged and left.
 */
export async function resealStoredSecretsAtStart(sql: Sql, sealed: SealedSecrets, log: Logger): Promise<ResealReport> {
  const report = await resealStoredSecrets(sql, sealed, STORED_SECRET_COLUMNS, (progress) =>
    log.info({ event: 'stored_secrets_resealing', ...progress, keyId: sealed.keyId }, `re-sealing ${progress.table}.${progress.column} under VORA_SECRETS_KEY`),
  );
  for (const failure of report.failures.filter((each) => each.cause === 'unreadable')) {
    log.error({ event: 'stored_secret_unreadable', table: failure.table, column: failure.column, id: failure.id, err: failure.message }, 'a stored secret does not open: left as it is');
  }
  const refusal = missingKeyRefusal(report);
  if (refusal) {
    log.fatal({ event: 'stored_secrets_key_missing', missing: report.failures.filter((each) => each.cause === 'key_missing').length, keyId: sealed.keyId, err: refusal }, 'the origin does not start: stored secrets need a key it was not given (VORA_SECRETS_KEY_PREVIOUS)');
    throw new StoredSecretsNeedMissingKey(refusal);
  }
  if (report.resealed > 0) {
    log.info({ event: 'stored_secrets_resealed', resealed: report.resealed, keyId: sealed.keyId, columns: report.columns }, `${report.resealed} stored secrets re-sealed under VORA_SECRETS_KEY (${sealed.keyId}): VORA_SECRETS_KEY_PREVIOUS can be removed once every origin runs with this key`);
  }
  return report;
}
