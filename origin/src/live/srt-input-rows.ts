import type { SrtRelayInput } from '../../../contracts/live-inputs.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import { hashSecret } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { newStreamKey } from './live-input-rows.ts';
import { chooseSrtPort, newSrtPassphrase, type SrtPortRange } from './srt-ingest.ts';

/** What SRT rows need: the sealing key (passphrases and relay keys are read back by the relay) and the port range. */
export interface SrtRowsDeps {
  sql: Sql;
  sealed: SealedSecrets;
  ports: SrtPortRange;
}

/** Every port of the range is held by an input. */
export class NoFreeSrtPort extends Error {}

export const passphraseOf = (id: string) => `live_inputs.srt_passphrase:${id}`;
export const relayKeyOf = (id: string) => `live_inputs.srt_relay_key:${id}`;

/**
 * Gives the input SRT ingest, or new credentials when it has it (same port): a new passphrase and relay key, sealed.
 * Returns the port and the passphrase in clear (shown once); null when there is no such input.
 */
export async function issueSrtCredentials(deps: SrtRowsDeps, id: string): Promise<{ port: number; passphrase: string } | null> {
  const passphrase = newSrtPassphrase();
  const relayKey = newStreamKey();
  const values = [id, deps.sealed.seal(passphrase, passphraseOf(id)), deps.sealed.seal(relayKey, relayKeyOf(id)), hashSecret(relayKey)];
  // Two inputs may pick the same free port at once: the UNIQUE column refuses the second, which picks again.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { rows: current } = await deps.sql.query<{ srt_port: number | null }>('SELECT srt_port FROM live_inputs WHERE id = $1', [id]);
    if (!current[0]) return null;
    let port = current[0].srt_port;
    if (port === null) {
      const { rows: taken } = await deps.sql.query<{ srt_port: number }>('SELECT srt_port FROM live_inputs WHERE srt_port BETWEEN $1 AND $2', [deps.ports.first, deps.ports.last]);
      port = chooseSrtPort(deps.ports, taken.map((row) => row.srt_port));
      if (port === null) throw new NoFreeSrtPort(`every SRT port of ${deps.ports.first}-${deps.ports.last} is held by an input: widen VORA_SRT_PORTS or turn SRT off on an input`);
    }
    try {
      const { rows } = await deps.sql.query(
        `UPDATE live_inputs SET srt_port = $5, srt_passphrase_sealed = $2, srt_relay_key_sealed = $3, srt_relay_key_hash = $4, updated_at = clock_timestamp()
         WHERE id = $1 RETURNING id`,
        [...values, port],
      );
      return rows.length === 1 ? { port, passphrase } : null;
    } catch (error) {
      if (!/unique|duplicate/i.test(String((error as Error).message))) throw error;
    }
  }
  throw new Error(`could not claim an SRT port for ${id} after 5 attempts: inputs are being created faster than ports are chosen`);
}

/** Turns SRT ingest off: the port is free again and the relay stops its listener at its next look. */
export async function removeSrt(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query(
    `UPDATE live_inputs SET srt_port = NULL, srt_passphrase_sealed = NULL, srt_relay_key_sealed = NULL, srt_relay_key_hash = NULL, updated_at = clock_timestamp()
     WHERE id = $1 RETURNING id`,
    [id],
  );
  return rows.length === 1;
}

/** The listeners the relay should run: enabled inputs with SRT on, their secrets opened. */
export async function listSrtRelays(deps: Pick<SrtRowsDeps, 'sql' | 'sealed'>): Promise<SrtRelayInput[]> {
  const { rows } = await deps.sql.query<{ id: string; srt_port: number; srt_passphrase_sealed: string; srt_relay_key_sealed: string }>(
    `SELECT id, srt_port, srt_passphrase_sealed, srt_relay_key_sealed FROM live_inputs WHERE srt_port IS NOT NULL AND enabled ORDER BY srt_port`,
  );
  return rows.map((row) => ({
    liveInputId: row.id,
    port: row.srt_port,
    passphrase: deps.sealed.open(row.srt_passphrase_sealed, passphraseOf(row.id)),
    relayKey: deps.sealed.open(row.srt_relay_key_sealed, relayKeyOf(row.id)),
  }));
}
