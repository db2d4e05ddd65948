import { applyUpdate, rootState, runFromRootMessage, updateMessage, type ConfigState } from '../../channel-config/chain.ts';
import { rootHash } from '../../channel-config/root.ts';
import type { ConfigUpdateMessage, PatchOperation } from '../../contracts/channel-config.ts';
import { internalFetch } from './helpers.ts';

// Shared by the config-* workers tests: a channel's chain built with the same core the origin uses.

export interface Chain {
  channelId: string;
  root: string;
  /** states[0] is the root; states[i] follows messages[i-1]. */
  states: ConfigState[];
  messages: ConfigUpdateMessage[];
  /** The answer to a config-request at height `height`: the run from the root. */
  runFromRoot(height: number): ConfigUpdateMessage;
}

/** Builds `patches.length` consecutive updates on `channelId`'s root, one message per update. */
export async function buildChain(channelId: string, patches: PatchOperation[][]): Promise<Chain> {
  const root = await rootHash(channelId);
  const states = [rootState(root)];
  const messages: ConfigUpdateMessage[] = [];
  for (const patch of patches) {
    const held = states.at(-1)!;
    const message = await updateMessage(held, { base: held.hash, patch });
    const outcome = await applyUpdate(held, message);
    if (!outcome.ok) throw new Error(`fixture patch refused: ${JSON.stringify(outcome)}`);
    messages.push(message);
    states.push(outcome.state);
  }
  return {
    channelId,
    root,
    states,
    messages,
    runFromRoot: (height) =>
      runFromRootMessage(root, states[height]!.hash, { patch: patches.slice(0, height).flat(), steps: patches.slice(0, height).map((p) => p.length) }),
  };
}

export const replace = (path: string, value: unknown): PatchOperation[] => [{ op: 'replace', path, value: value as never }];

/** PUT a message to the edge, optionally naming the channel (`?channel=`). */
export function putConfig(root: string, message: unknown, channelId?: string, secret?: string | null): Promise<Response> {
  const query = channelId === undefined ? '' : `?channel=${encodeURIComponent(channelId)}`;
  return secret === undefined ? internalFetch(`/internal/config/${root}${query}`, 'PUT', message) : internalFetch(`/internal/config/${root}${query}`, 'PUT', message, secret);
}

export const uniqueChannel = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
