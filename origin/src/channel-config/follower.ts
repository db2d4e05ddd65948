import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { CONFIG_UPDATES_TOPIC, ConfigUpdateMessage } from '../../../contracts/channel-config.ts';
import { applyUpdate, rootState, type ConfigState, type UpdateOutcome } from '../../../channel-config/chain.ts';

/** Where a follower keeps what it holds per root (edge KV `config:{rootHash}`, a Map in tests). */
export interface ConfigStateCache {
  get(rootHash: string): Promise<ConfigState | undefined>;
  set(state: ConfigState): Promise<void>;
}

export interface ConfigFollowerOptions {
  cache: ConfigStateCache;
  /** Asks for the run from the root after a gap (`createConfigRequester(...).request`). */
  requestReload(rootHash: string): Promise<unknown>;
  log: Logger;
  /** Each cache follows with its own group, so every cache sees every update. */
  groupId: string;
  fromBeginning?: boolean;
  /** Called after each message, with what became of it (tests, metrics). */
  onOutcome?: (rootHash: string, outcome: UpdateOutcome) => void;
  /** A second gap on one root within this long asks again; sooner ones wait for the answer (default 5 s). */
  reloadBackoffMs?: number;
}

/**
 * Follows `config-updates` into a cache with `applyUpdate` — the same rule for single updates
 * and for answers from the root. A gap asks for a reload; stale and invalid messages are skipped.
 */
export async function startConfigFollower(kafka: Kafka, options: ConfigFollowerOptions): Promise<{ joined: Promise<void>; stop(): Promise<void> }> {
  const { cache, log } = options;
  const backoffMs = options.reloadBackoffMs ?? 5_000;
  const reloadAskedAt = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId });
  // Without `fromBeginning`, updates published before the group's first join are not seen: callers may wait for it.
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: CONFIG_UPDATES_TOPIC, fromBeginning: options.fromBeginning ?? false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let update: ConfigUpdateMessage;
      try {
        update = ConfigUpdateMessage.parse(JSON.parse(String(message.value)));
      } catch (error) {
        log.warn({ event: 'config_update_unreadable', cause: (error as Error).message }, 'config update skipped: not a ConfigUpdateMessage');
        return;
      }
      const { rootHash } = update;
      const held = (await cache.get(rootHash)) ?? rootState(rootHash);
      const outcome = await applyUpdate(held, update);
      if (outcome.ok) {
        await cache.set(outcome.state);
        reloadAskedAt.delete(rootHash);
        log.info({ event: 'config_applied', rootHash, hash: outcome.state.hash, height: outcome.state.height, updates: outcome.applied }, 'configuration updated');
      } else if (outcome.reason === 'gap' && Date.now() - (reloadAskedAt.get(rootHash) ?? 0) > backoffMs) {
        reloadAskedAt.set(rootHash, Date.now());
        log.info({ event: 'config_gap', rootHash, held: outcome.held, base: outcome.base }, 'missed configuration updates: asking for the run from the root');
        await options.requestReload(rootHash);
      } else if (outcome.reason === 'invalid') {
        log.error({ event: 'config_update_invalid', rootHash, hash: update.hash, path: outcome.path, cause: outcome.message }, 'config update refused');
      }
      options.onOutcome?.(rootHash, outcome);
    },
  });
  return { joined, stop: () => consumer.disconnect() };
}
