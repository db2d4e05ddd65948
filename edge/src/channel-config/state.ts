import { z } from 'zod';
import { ChannelConfig, configKvKey, Sha256Hex } from '../../../contracts/channel-config.ts';
import type { ConfigState } from '../../../channel-config/chain.ts';

/** What KV `config:{rootHash}` holds: a `ConfigState` (config/chain.ts) the edge computed itself. */
export const StoredConfigState = z.strictObject({
  rootHash: Sha256Hex,
  hash: Sha256Hex,
  height: z.number().int().min(0),
  config: ChannelConfig,
});

export type StoredState = { kind: 'held'; state: ConfigState } | { kind: 'none' } | { kind: 'corrupt'; reason: string };

/** The state held for a root. KV content is untrusted like any input: parsed again, and checked to be this root's. */
export async function readConfigState(kv: KVNamespace, rootHash: string): Promise<StoredState> {
  const text = await kv.get(configKvKey(rootHash), 'text');
  if (text === null) return { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', reason: 'not JSON' };
  }
  const checked = StoredConfigState.safeParse(parsed);
  if (!checked.success) return { kind: 'corrupt', reason: checked.error.issues[0]?.message ?? 'not a ConfigState' };
  if (checked.data.rootHash !== rootHash) return { kind: 'corrupt', reason: `stored under ${rootHash} but names root ${checked.data.rootHash}` };
  return { kind: 'held', state: checked.data };
}

export async function writeConfigState(kv: KVNamespace, state: ConfigState): Promise<void> {
  await kv.put(configKvKey(state.rootHash), JSON.stringify(state), { metadata: { hash: state.hash, height: state.height } });
}
