import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Consumer, type ConsumerRunConfig, type KafkaConfig, type Message, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';

/** What a client of the origin is for; each has its own id (visible in the broker) and tuning. */
export type KafkaRole = 'health' | 'video-events' | 'channel-events' | 'channel-config' | 'beacons' | 'playback-sink' | 'room-bridge' | 'webhooks';

// Publishers on a request's path fail fast and retry little: an event must never hold up an upload or a webhook.
const publisherTuning = { connectionTimeout: 1_500, requestTimeout: 3_000, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 } };

/** Every Kafka client the origin builds, in one table. */
const tuningByRole: Record<KafkaRole, Omit<KafkaConfig, 'brokers'>> = {
  // `/healthz` answers within its own deadline: one attempt, no retries.
  health: { clientId: 'vora-origin', connectionTimeout: 1_500, retry: { retries: 0 } },
  'video-events': { clientId: 'vora-origin-events', ...publisherTuning },
  'channel-events': { clientId: 'vora-origin-webhooks', ...publisherTuning },
  'channel-config': { clientId: 'vora-origin-config', connectionTimeout: 1_500 },
  // A beacon is not worth holding a request for.
  beacons: { clientId: 'vora-origin-beacons', connectionTimeout: 1_000 },
  // kafkajs's default retries: right after a broker starts, its group coordinator is still loading.
  'playback-sink': { clientId: 'vora-origin-sink' },
  'room-bridge': { clientId: 'vora-room-bridge', connectionTimeout: 3_000 },
  'webhooks': { clientId: 'vora-origin-webhooks-out', connectionTimeout: 3_000 },
};

/** A quiet kafkajs client for `role` (kafkajs's own logger is off: the origin logs what matters with pino). */
export function kafkaClient(brokers: string[], role: KafkaRole): Kafka {
  return new Kafka({ brokers, logLevel: logLevel.NOTHING, ...tuningByRole[role] });
}

/** A kafkajs producer whose sends are bounded in time: events must never hold up an upload, a PATCH or a webhook. */
export interface BoundedProducer {
  /** Resolves once Kafka acknowledged (acks all), or rejects with the cause within `timeoutMs`. */
  send(topic: string, messages: Message[]): Promise<void>;
  close(): Promise<void>;
}

export interface BoundedProducerOptions {
  timeoutMs: number;
  /** No duplicates from the producer's own retries, one request in flight (per-key order); default true. */
  idempotent?: boolean;
  retry?: RetryOptions;
}

/** A producer on `kafka`, connected on first use and reconnected on the next send after a failure. Never creates topics. */
export function boundedProducer(kafka: Kafka, options: BoundedProducerOptions): BoundedProducer {
  const { timeoutMs } = options;
  const idempotent = options.idempotent ?? true;
  const producer = kafka.producer({ allowAutoTopicCreation: false, ...(idempotent ? { idempotent, maxInFlightRequests: 1 } : {}), ...(options.retry ? { retry: options.retry } : {}) });
  let connected: Promise<void> | undefined;
  let reset: Promise<unknown> = Promise.resolve();
  const connect = () => {
    if (connected) return connected;
    const attempt: Promise<void> = reset.then(() => producer.connect()).catch((error: unknown) => {
      if (connected === attempt) connected = undefined; // the next send tries again
      throw error;
    });
    return (connected = attempt);
  };
  // A kafkajs producer that met an unresponsive broker can stay wedged: its seed broker counts as connected,
  // so connect() returns at once and every send fails "Broker not connected" long after the broker is back.
  // Disconnecting clears its broker pool, so the next send connects from scratch.
  const forgetConnection = () => {
    connected = undefined;
    reset = Promise.race([producer.disconnect().catch(() => {}), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  };
  return {
    async send(topic, messages) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([connect().then(() => producer.send({ topic, acks: -1, messages })), timeout]);
      } catch (error) {
        forgetConnection();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => producer.disconnect().catch(() => {}),
  };
}

export interface ConsumeForeverOptions {
  /** Names the log line while Kafka is unreachable: `{name}_unavailable`. */
  name: string;
  log: Logger;
  /** Wait between attempts to reach Kafka. */
  retryMs: number;
  /** Aborted by the owner's `stop()`: the loop returns instead of retrying. */
  signal: AbortSignal;
  /** Where a brand-new group starts (default: the end of the topics). */
  fromBeginning?: boolean;
}

/**
 * Connects `consumer`, subscribes it to `topics` and runs it; while Kafka is unreachable it logs and
 * tries again every `retryMs`, so the owner starts at once and catches up when the broker is back.
 * Resolves once the consumer runs (kafkajs then rejoins by itself) or the signal is aborted.
 */
export async function runConsumerForever(consumer: Consumer, topics: readonly string[], run: ConsumerRunConfig, options: ConsumeForeverOptions): Promise<void> {
  const { log, retryMs, signal } = options;
  for (let attempt = 1; !signal.aborted; attempt += 1) {
    try {
      await consumer.connect();
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
      await consumer.run(run);
      return;
    } catch (error) {
      if (signal.aborted) return;
      log.warn({ event: `${options.name}_unavailable`, attempt, cause: (error as Error).message }, `${options.name} cannot reach Kafka (KAFKA_BROKERS); retrying in ${retryMs} ms`);
      await consumer.disconnect().catch(() => {});
      await sleep(retryMs, undefined, { signal }).catch(() => {});
    }
  }
}
