import { ChannelConfig, type ConfigUpdate, type ConfigUpdateMessage, type PatchOperation } from '../../../contracts/channel-config.ts';
import { extendRun, proposeUpdate, rootState, runFromRootMessage, type ConfigState, type RunFromRoot } from '../../../channel-config/chain.ts';
import { rootHash } from '../../../channel-config/root.ts';
import type { Sql } from '../db/sql.ts';

/**
 * The origin's record of every channel's chain: root → latest hash (`channel_config_heads`, with
 * the configuration there) and latest hash → the run from the root (`channel_config_patches`).
 * Superseded hashes are deleted in the transaction that supersedes them.
 */

export type StoreUpdateOutcome =
  | { ok: true; state: ConfigState; message: ConfigUpdateMessage }
  | { ok: false; reason: 'conflict'; latest: string }
  | { ok: false; reason: 'invalid'; path: string; message: string };

interface HeadRow {
  latest_hash: string;
  height: number;
  config: unknown;
}

async function readState(sql: Sql, root: string, forUpdate = false): Promise<ConfigState> {
  const lock = forUpdate ? ' FOR UPDATE' : '';
  const { rows } = await sql.query<HeadRow>(`SELECT latest_hash, height, config FROM channel_config_heads WHERE root_hash = $1${lock}`, [root]);
  const head = rows[0];
  if (!head) return rootState(root);
  return { rootHash: root, hash: head.latest_hash, height: head.height, config: ChannelConfig.parse(head.config) };
}

async function readRun(sql: Sql, hash: string): Promise<RunFromRoot | undefined> {
  const { rows } = await sql.query<{ patch: PatchOperation[]; steps: number[] }>('SELECT patch, steps FROM channel_config_patches WHERE hash = $1', [hash]);
  return rows[0];
}

/** The channel's latest state (its root state when it was never updated). */
export async function getChannelConfig(sql: Sql, channelId: string): Promise<ConfigState> {
  return readState(sql, await rootHash(channelId));
}

/**
 * Applies `update` if its base is the latest hash (optimistic concurrency: of two writers on one
 * base, exactly one wins and the other gets `conflict`); an invalid patch changes nothing.
 */
export async function updateChannelConfig(sql: Sql, channelId: string, update: ConfigUpdate): Promise<StoreUpdateOutcome> {
  const root = await rootHash(channelId);
  return sql.transaction(async (tx) => {
    // The row lock keeps a concurrent writer from deleting the run we extend; it then sees our hash and conflicts.
    const latest = await readState(tx, root, true);
    const outcome = await proposeUpdate(latest, update);
    if (!outcome.ok) return outcome;
    const { state } = outcome;
    const run = extendRun(latest.height === 0 ? { patch: [], steps: [] } : await requireRun(tx, latest.hash), update);
    const config = JSON.stringify(state.config);
    // Compare-and-set on latest_hash: a writer that lost the race moves no row and reports a conflict.
    const moved =
      latest.height === 0
        ? await tx.query(
            `INSERT INTO channel_config_heads (root_hash, channel_id, latest_hash, height, config) VALUES ($1, $2, $3, $4, $5::jsonb)
             ON CONFLICT (root_hash) DO NOTHING RETURNING root_hash`,
            [root, channelId, state.hash, state.height, config],
          )
        : await tx.query(
            `UPDATE channel_config_heads SET latest_hash = $3, height = $4, config = $5::jsonb, updated_at = date_trunc('milliseconds', now())
             WHERE root_hash = $1 AND latest_hash = $2 RETURNING root_hash`,
            [root, latest.hash, state.hash, state.height, config],
          );
    if (moved.rows.length === 0) return { ok: false, reason: 'conflict', latest: (await readState(tx, root)).hash } as const;
    await tx.query('INSERT INTO channel_config_patches (hash, root_hash, patch, steps) VALUES ($1, $2, $3::jsonb, $4::jsonb)', [
      state.hash,
      root,
      JSON.stringify(run.patch),
      JSON.stringify(run.steps),
    ]);
    await tx.query('DELETE FROM channel_config_patches WHERE root_hash = $1 AND hash <> $2', [root, state.hash]);
    return outcome;
  });
}

async function requireRun(sql: Sql, hash: string): Promise<RunFromRoot> {
  const run = await readRun(sql, hash);
  if (!run) throw new Error(`channel_config_patches has no run for the latest hash ${hash}: the store is inconsistent (restore it or reset the channel)`);
  return run;
}

/**
 * The answer to a `config-requests`: the run from `root` to its latest hash. An unknown root gets
 * the empty run (a channel never updated is at its root; the origin cannot tell it from a typo).
 */
export async function runFromRoot(sql: Sql, root: string): Promise<ConfigUpdateMessage> {
  const { rows } = await sql.query<HeadRow & { patch: PatchOperation[] | null; steps: number[] | null }>(
    `SELECT h.latest_hash, h.height, p.patch, p.steps FROM channel_config_heads h
     LEFT JOIN channel_config_patches p ON p.hash = h.latest_hash WHERE h.root_hash = $1`,
    [root],
  );
  const head = rows[0];
  if (!head || head.height === 0) return runFromRootMessage(root, root, { patch: [], steps: [] });
  if (!head.patch || !head.steps) throw new Error(`channel_config_patches has no run for the latest hash ${head.latest_hash} of root ${root}`);
  return runFromRootMessage(root, head.latest_hash, { patch: head.patch, steps: head.steps });
}
