import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka } from 'kafkajs';
import { runConsumerForever } from '../kafka.ts';
import type { Logger } from 'pino';
import { CONFIG_UPDATES_TOPIC, ConfigPutAccepted, ConfigUpdateMessage } from '../../../contracts/channel-config.ts';
import { describeIssues } from '../../../contracts/issues.ts';
import type { Sql } from '../db/sql.ts';
import { createConfigRequester, type ConfigRequester } from './kafka.ts';

/** What became of one message at the edge. */
export type EdgeWriteOutcome =
  | { kind: 'applied'; status: 200 }
  /** A redelivery or an old answer: the edge already holds this or later. */
  | { kind: 'unchanged'; status: 200 }
  /** The edge holds another hash: a reload (config-requests) was asked, or had been within the backoff. */
  | { kind: 'gap'; status: 409 }
  /** The edge refused it for good (422 invalid, 400, 401…): retrying the same bytes cannot help. */
  | { kind: 'refused'; status: number; reason: string }
  /** 5xx or unreachable after every retry: a reload is asked later, so the edge catches up when it is back. */
  | { kind: 'unreachable'; reason: string };

export interface EdgeConfigWriterOptions {
  kafka: Kafka;
  /** The edge's base URL (the origin's EDGE_URL). */
  edgeUrl: string;
  /** VORA_INTERNAL_SECRET; without it the writer does not start (the edge would answer 401). */
  internalSecret: string | undefined;
  log: Logger;
  /** The channel of a root, so the edge can push chat rules to `channel-{id}` (it verifies the id against the root). */
  channelIdOf?: (rootHash: string) => Promise<string | undefined>;
  /** One group for every origin process: each message is written once (default `vora-edge-config-writer`). */
  groupId?: string;
  fromBeginning?: boolean;
  requester?: Pick<ConfigRequester, 'request'>;
  /** Waits before each retry of a 5xx or network failure (default 250 ms, 1 s, 3 s). */
  retryDelaysMs?: number[];
  requestTimeoutMs?: number;
  /** A second gap on one root within this long does not ask again (default 5 s). */
  reloadBackoffMs?: number;
  /** After giving up on an unreachable edge, ask for a reload of that root this much later (default 30 s). */
  reloadAfterFailureMs?: number;
  reconnectDelayMs?: number;
  fetch?: typeof fetch;
  onOutcome?: (rootHash: string, outcome: EdgeWriteOutcome) => void;
}

export interface EdgeConfigWriter {
  /** Resolves once the consumer joined its group; never rejects. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export const EDGE_CONFIG_WRITER_GROUP = 'vora-edge-config-writer';

/** The channel of a root, from the origin's store (a root that was never updated has no row and needs no rules). */
export function channelIdFromStore(sql: Sql): (rootHash: string) => Promise<string | undefined> {
  return async (rootHash) => {
    const { rows } = await sql.query<{ channel_id: string }>('SELECT channel_id FROM channel_config_heads WHERE root_hash = $1', [rootHash]);
    return rows[0]?.channel_id;
  };
}

/** A 200 from the edge is `applied` or `unchanged` (contracts/channel-config.ts); anything else means the two sides disagree on the contract. */
function acceptedOutcome(text: string): EdgeWriteOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const answer = ConfigPutAccepted.safeParse(json);
  if (!answer.success) return { kind: 'refused', status: 200, reason: `the edge answered 200 with something other than a configuration answer (${describeIssues(answer.error)}): ${text.slice(0, 200)}` };
  return { kind: answer.data.outcome, status: 200 };
}

/** PUT one message to the edge, retrying 5xx and network failures a bounded number of times. Never throws. */
export async function putConfigToEdge(options: Pick<EdgeConfigWriterOptions, 'edgeUrl' | 'internalSecret' | 'retryDelaysMs' | 'requestTimeoutMs' | 'fetch'>, message: ConfigUpdateMessage, channelId: string | undefined, signal: AbortSignal): Promise<EdgeWriteOutcome> {
  const doFetch = options.fetch ?? fetch;
  const query = channelId ? `?channel=${encodeURIComponent(channelId)}` : '';
  const url = `${options.edgeUrl.replace(/\/$/, '')}/internal/config/${message.rootHash}${query}`;
  const delays = options.retryDelaysMs ?? [250, 1_000, 3_000];
  let reason = '';
  for (let attempt = 0; attempt <= delays.length; attempt += 1) {
    if (attempt > 0) await sleep(delays[attempt - 1]!, undefined, { signal }).catch(() => {});
    if (signal.aborted) return { kind: 'unreachable', reason: 'writer stopping' };
    try {
      const response = await doFetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${options.internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs ?? 5_000)]),
      });
      const text = await response.text();
      if (response.status === 200) return acceptedOutcome(text);
      if (response.status === 409) return { kind: 'gap', status: 409 };
      if (response.status < 500) return { kind: 'refused', status: response.status, reason: text.slice(0, 500) };
      reason = `edge answered ${response.status}: ${text.slice(0, 200)}`;
    } catch (error) {
      reason = `edge unreachable at ${options.edgeUrl}: ${(error as Error).message}`;
    }
  }
  return { kind: 'unreachable', reason };
}

/**
 * Follows `config-updates` and forwards each message to the edge (`PUT /internal/config/:rootHash`),
 * which applies it with the same `applyUpdate` as every cache. A gap at the edge asks for the run
 * from the root; the answer comes back on `config-updates` and goes through this same path.
 */
export function startEdgeConfigWriter(options: EdgeConfigWriterOptions): EdgeConfigWriter {
  const { log } = options;
  if (!options.internalSecret) {
    log.warn({ event: 'edge_config_writer_disabled' }, 'VORA_INTERNAL_SECRET is not set: channel configuration is not written to the edge');
    return { ready: Promise.resolve(), stop: async () => {} };
  }
  const stopping = new AbortController();
  const requester = options.requester ?? createConfigRequester(options.kafka, { log });
  const reloadAskedAt = new Map<string, number>();
  const pendingReloads = new Map<string, NodeJS.Timeout>();
  const consumer: Consumer = options.kafka.consumer({ groupId: options.groupId ?? EDGE_CONFIG_WRITER_GROUP, allowAutoTopicCreation: false });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => markReady());

  async function askReload(rootHash: string): Promise<void> {
    if (Date.now() - (reloadAskedAt.get(rootHash) ?? 0) <= (options.reloadBackoffMs ?? 5_000)) return;
    reloadAskedAt.set(rootHash, Date.now());
    await requester.request(rootHash);
  }

  /** The edge was down: ask again later, once per root, so it catches up without waiting for the channel's next update. */
  function reloadLater(rootHash: string): void {
    if (stopping.signal.aborted || pendingReloads.has(rootHash)) return;
    const timer = setTimeout(() => {
      pendingReloads.delete(rootHash);
      void requester.request(rootHash);
    }, options.reloadAfterFailureMs ?? 30_000);
    timer.unref();
    pendingReloads.set(rootHash, timer);
  }

  async function handle(value: Buffer | null): Promise<void> {
    let message: ConfigUpdateMessage;
    try {
      message = ConfigUpdateMessage.parse(JSON.parse(String(value)));
    } catch (error) {
      log.warn({ event: 'edge_config_unreadable', cause: (error as Error).message }, 'config update not forwarded: not a ConfigUpdateMessage');
      return;
    }
    const { rootHash } = message;
    const channelId = await options.channelIdOf?.(rootHash).catch(() => undefined);
    const outcome = await putConfigToEdge(options, message, channelId, stopping.signal);
    const fields = { rootHash, hash: message.hash, height: message.height, channelId };
    if (outcome.kind === 'applied' || outcome.kind === 'unchanged') {
      reloadAskedAt.delete(rootHash);
      log.info({ event: `edge_config_${outcome.kind}`, ...fields }, `edge configuration ${outcome.kind}`);
    } else if (outcome.kind === 'gap') {
      log.info({ event: 'edge_config_gap', ...fields }, 'the edge missed updates: asking for the run from the root');
      await askReload(rootHash);
    } else if (outcome.kind === 'refused') {
      log.error({ event: 'edge_config_refused', ...fields, status: outcome.status, cause: outcome.reason }, 'the edge refused a configuration update');
    } else {
      log.warn({ event: 'edge_config_unreachable', ...fields, cause: outcome.reason }, 'configuration not written to the edge; asking for a reload later');
      reloadLater(rootHash);
    }
    options.onOutcome?.(rootHash, outcome);
  }

  const running = runConsumerForever(consumer, [CONFIG_UPDATES_TOPIC], { eachMessage: ({ message }) => handle(message.value) }, {
    name: 'edge_config_writer',
    log,
    retryMs: options.reconnectDelayMs ?? 10_000,
    signal: stopping.signal,
    fromBeginning: options.fromBeginning,
  });

  return {
    ready,
    async stop() {
      stopping.abort();
      for (const timer of pendingReloads.values()) clearTimeout(timer);
      await running;
      await consumer.disconnect().catch(() => {});
      if (!options.requester) await (requester as ConfigRequester).close();
      markReady();
    },
  };
}
