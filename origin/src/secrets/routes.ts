import { Hono } from 'hono';
import type { SecretsRotation, SecretsStatus } from '../../../contracts/secrets.ts';
import { countSecretsUnderOtherKeys, resealStoredSecrets } from '../db/reseal-secrets.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import { STORED_SECRET_COLUMNS } from './sealed-columns.ts';

export interface SecretsRoutesDeps {
  sql: Sql;
  sealedSecrets: SealedSecrets;
}

/**
 * `/v1/secrets` (admin): `GET /` says under which key the stored secrets are; `POST /reseal` re-seals those under an
 * older key (`vora secrets rotate`), for secrets another origin sealed with the old key during a rolling restart.
 */
export function secretsRoutes(deps: SecretsRoutesDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const underOtherKeys = await countSecretsUnderOtherKeys(deps.sql, deps.sealedSecrets, STORED_SECRET_COLUMNS);
    return c.json({ keyId: deps.sealedSecrets.keyId, underOtherKeys } satisfies SecretsStatus);
  });
  app.post('/reseal', async (c) => {
    const report = await resealStoredSecrets(deps.sql, deps.sealedSecrets, STORED_SECRET_COLUMNS);
    const underOtherKeys = await countSecretsUnderOtherKeys(deps.sql, deps.sealedSecrets, STORED_SECRET_COLUMNS);
    const answer: SecretsRotation = { keyId: report.keyId, resealed: report.resealed, columns: report.columns, failures: report.failures, underOtherKeys };
    // Values that could not be moved are named in `failures` (nothing was rewritten for them); the CLI exits non-zero.
    return c.json(answer);
  });
  return app;
}
