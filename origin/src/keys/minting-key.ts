import type { Sql } from '../db/sql.ts';
import type { JwksSync } from './edge-sync.ts';
import { managedKey } from './signing-keys.ts';

/** What the key and token routes need: the keys in the DB, the push of their public set to the edge, the edge's public URL. */
export interface SigningDeps {
  sql: Sql;
  sync: JwksSync;
  /** Where viewers reach the edge, for the URLs handed out with tokens. */
  edgeUrl: string;
}

/** The origin's managed key; one made just now is pushed to the edge first, so the token it signs verifies there at once. */
export async function mintingKey(deps: Pick<SigningDeps, 'sql' | 'sync'>): Promise<Awaited<ReturnType<typeof managedKey>>> {
  const key = await managedKey(deps.sql);
  if (key.created) await deps.sync.push();
  return key;
}
