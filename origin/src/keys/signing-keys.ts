import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { newId } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import type { TokenAlgorithm } from '../../../contracts/token-signing.ts';

export interface SigningKey {
  kid: string;
  alg: TokenAlgorithm;
  kind: 'operator' | 'managed';
  publicJwk: JWK;
  createdAt: Date;
}

interface SigningKeyRow {
  kid: string;
  alg: TokenAlgorithm;
  kind: 'operator' | 'managed';
  public_jwk: JWK;
  private_jwk: JWK | null;
  created_at: Date;
}

const fromRow = (row: SigningKeyRow): SigningKey => ({ kid: row.kid, alg: row.alg, kind: row.kind, publicJwk: row.public_jwk, createdAt: new Date(row.created_at) });

async function newKeyPair(alg: TokenAlgorithm): Promise<{ kid: string; publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const kid = newId('key');
  const meta = { kid, alg, use: 'sig' };
  return { kid, publicJwk: { ...(await exportJWK(publicKey)), ...meta }, privateJwk: { ...(await exportJWK(privateKey)), ...meta } };
}

/** A key pair for an operator's own signer: the private JWK is returned here once and never stored. */
export async function createOperatorKey(sql: Sql, alg: TokenAlgorithm): Promise<{ key: SigningKey; privateJwk: JWK }> {
  const pair = await newKeyPair(alg);
  const { rows } = await sql.query<SigningKeyRow>(
    `INSERT INTO signing_keys (kid, alg, kind, public_jwk) VALUES ($1, $2, 'operator', $3) RETURNING *`,
    [pair.kid, alg, JSON.stringify(pair.publicJwk)],
  );
  return { key: fromRow(rows[0]!), privateJwk: pair.privateJwk };
}

/** The origin's own key for minting tokens; made on first use, then reused (one at a time, by index). */
export async function managedKey(sql: Sql): Promise<{ kid: string; privateJwk: JWK; created: boolean }> {
  const existing = await sql.query<SigningKeyRow>(`SELECT * FROM signing_keys WHERE kind = 'managed'`);
  if (existing.rows[0]) return { kid: existing.rows[0].kid, privateJwk: existing.rows[0].private_jwk!, created: false };
  const pair = await newKeyPair('ES256');
  const inserted = await sql.query<SigningKeyRow>(
    `INSERT INTO signing_keys (kid, alg, kind, public_jwk, private_jwk) VALUES ($1, 'ES256', 'managed', $2, $3)
     ON CONFLICT DO NOTHING RETURNING *`,
    [pair.kid, JSON.stringify(pair.publicJwk), JSON.stringify(pair.privateJwk)],
  );
  if (inserted.rows[0]) return { kid: pair.kid, privateJwk: pair.privateJwk, created: true };
  // Another request made it first: use that one.
  return managedKey(sql);
}

export async function listSigningKeys(sql: Sql): Promise<SigningKey[]> {
  const { rows } = await sql.query<SigningKeyRow>('SELECT * FROM signing_keys ORDER BY created_at, kid');
  return rows.map(fromRow);
}

/** Removes a key (rotation); tokens signed with it stop working once the edge has the new set. */
export async function deleteSigningKey(sql: Sql, kid: string): Promise<boolean> {
  const { rows } = await sql.query<{ kid: string }>('DELETE FROM signing_keys WHERE kid = $1 RETURNING kid', [kid]);
  return rows.length > 0;
}

/** The public key set the edge verifies with: every stored key, public members only. */
export async function publicKeySet(sql: Sql): Promise<{ keys: JWK[] }> {
  return { keys: (await listSigningKeys(sql)).map((key) => key.publicJwk) };
}
