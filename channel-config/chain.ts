import type { ChannelConfig, ConfigUpdate, ConfigUpdateMessage, PatchOperation } from '../contracts/channel-config.ts';
import { hashCanonical } from './hash.ts';
import { applyConfigPatch } from './patch.ts';
import { rootConfig } from './root.ts';

/** What a cache holds for one channel: where it is on the chain and the configuration there. */
export interface ConfigState {
  rootHash: string;
  hash: string;
  /** Updates from the root to `hash` (0 at the root). */
  height: number;
  config: ChannelConfig;
}

/** Operations from the root, cut into the updates they came in: what the store keeps for the latest hash. */
export interface RunFromRoot {
  patch: PatchOperation[];
  steps: number[];
}

export type UpdateOutcome =
  | { ok: true; state: ConfigState; applied: number }
  /** Keyed by another channel's root: not for this cache. */
  | { ok: false; reason: 'other-root' }
  /** Ends where the holder already is, or before: a redelivery or an old answer. Ignore it. */
  | { ok: false; reason: 'stale' }
  /** Starts at a hash the holder does not hold (it missed updates): ignore it and ask for the run from the root. */
  | { ok: false; reason: 'gap'; base: string; held: string }
  /** A patch fails or gives an invalid configuration, or the hashes do not match: names the JSON pointer at fault. */
  | { ok: false; reason: 'invalid'; path: string; message: string };

/** The state every chain starts from: the root hash with the default configuration. */
export function rootState(rootHash: string): ConfigState {
  return { rootHash, hash: rootHash, height: 0, config: rootConfig() };
}

/** The hash after an update: SHA-256 of the canonical `{base, patch}`, which contains the previous hash. */
export function updateHash(update: ConfigUpdate | { base: string; patch: readonly PatchOperation[] }): Promise<string> {
  return hashCanonical({ base: update.base, patch: update.patch });
}

function checkRunShape(message: ConfigUpdateMessage): string | undefined {
  const total = message.steps.reduce((sum, count) => sum + count, 0);
  if (total !== message.patch.length) return `steps add up to ${total} operations but the patch has ${message.patch.length}`;
  if (message.base === message.rootHash && message.steps.length !== message.height) {
    return `a run from the root of ${message.steps.length} updates cannot end at height ${message.height}`;
  }
  return undefined;
}

/** Folds the run's updates onto `start`, recomputing each hash; checks it ends where the message says. */
async function applyRun(start: ConfigState, message: ConfigUpdateMessage): Promise<UpdateOutcome> {
  let { hash, config } = start;
  let offset = 0;
  for (const count of message.steps) {
    const patch = message.patch.slice(offset, offset + count);
    const patched = applyConfigPatch(config, patch);
    if (!patched.ok) return { ok: false, reason: 'invalid', path: patched.path, message: patched.message };
    hash = await updateHash({ base: hash, patch });
    config = patched.config;
    offset += count;
  }
  const height = start.height + message.steps.length;
  if (hash !== message.hash || height !== message.height) {
    return { ok: false, reason: 'invalid', path: '', message: `the run ends at ${hash} (height ${height}), not at ${message.hash} (height ${message.height}) as the message says` };
  }
  return { ok: true, state: { rootHash: start.rootHash, hash, height, config }, applied: message.steps.length };
}

/**
 * The one rule every cache follows (edge KV writer, rooms, playback, the origin's own writes):
 * apply a message only if it starts at the hash held — or at the root, which every holder can
 * rebuild — and only if it moves the holder forward. Pure apart from hashing; never throws on bad input.
 */
export async function applyUpdate(held: ConfigState, message: ConfigUpdateMessage): Promise<UpdateOutcome> {
  if (message.rootHash !== held.rootHash) return { ok: false, reason: 'other-root' };
  const shapeError = checkRunShape(message);
  if (shapeError) return { ok: false, reason: 'invalid', path: '', message: shapeError };
  if (message.height <= held.height) return { ok: false, reason: 'stale' };
  if (message.base === held.hash) return applyRun(held, message);
  if (message.base === held.rootHash) return applyRun(rootState(held.rootHash), message);
  return { ok: false, reason: 'gap', base: message.base, held: held.hash };
}

/** The message announcing one update on top of `held` (its hash and height computed here). */
export async function updateMessage(held: ConfigState, update: ConfigUpdate): Promise<ConfigUpdateMessage> {
  return {
    rootHash: held.rootHash,
    base: update.base,
    patch: update.patch,
    steps: [update.patch.length],
    hash: await updateHash(update),
    height: held.height + 1,
  };
}

/** The run from the root after one more update: the old run's operations, then the update's. */
export function extendRun(run: RunFromRoot, update: ConfigUpdate): RunFromRoot {
  return { patch: [...run.patch, ...update.patch], steps: [...run.steps, update.patch.length] };
}

/** The answer to a `config-requests`: the whole run from the root to `hash`. An empty run means "still at the root". */
export function runFromRootMessage(rootHash: string, hash: string, run: RunFromRoot): ConfigUpdateMessage {
  return { rootHash, base: rootHash, patch: run.patch, steps: run.steps, hash, height: run.steps.length };
}

export type ProposeOutcome =
  | { ok: true; state: ConfigState; message: ConfigUpdateMessage }
  /** `base` is not the latest hash: the writer must re-read and retry (HTTP 409). */
  | { ok: false; reason: 'conflict'; latest: string }
  | { ok: false; reason: 'invalid'; path: string; message: string };

/** The writer's side (the origin): an update on the latest state, through the same `applyUpdate` every cache runs. */
export async function proposeUpdate(latest: ConfigState, update: ConfigUpdate): Promise<ProposeOutcome> {
  if (update.base !== latest.hash) return { ok: false, reason: 'conflict', latest: latest.hash };
  const message = await updateMessage(latest, update);
  const outcome = await applyUpdate(latest, message);
  if (outcome.ok) return { ok: true, state: outcome.state, message };
  if (outcome.reason === 'invalid') return outcome;
  throw new Error(`an update on the latest hash was refused as ${outcome.reason}: a bug in channel-config/chain.ts`);
}
