import type { Consumer, Kafka } from 'kafkajs';
import { boundedProducer } from '../kafka.ts';
import type { Logger } from 'pino';
import { CONFIG_REQUESTS_TOPIC, CONFIG_UPDATES_TOPIC, ConfigRequest, type ConfigUpdateMessage } from '../../../contracts/channel-config.ts';
import type { Sql } from '../db/sql.ts';
import { runFromRoot } from './store.ts';

export interface ConfigUpdatePublisher {
  /** Sends on `config-updates`, key = root hash (per-channel order). Never throws: a failure is logged, and caches recover by reload. */
  publish(message: ConfigUpdateMessage): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConfigRequester {
  /** Asks for the run from `rootHash`; the answer arrives on `config-updates` like any update. */
  request(rootHash: string): Promise<boolean>;
  close(): Promise<void>;
}

interface ProducerOptions {
  log: Logger;
  /** Upper bound of one send, so a dead broker cannot hold up a PATCH (default 3 s). */
  timeoutMs?: number;
}

/** One idempotent producer whose sends are bounded in time and never throw (a failure is logged, false). */
function neverThrowingProducer(kafka: Kafka, options: ProducerOptions, what: string) {
  const producer = boundedProducer(kafka, { timeoutMs: options.timeoutMs ?? 3_000 });
  return {
    async send(topic: string, key: string, value: unknown): Promise<boolean> {
      try {
        await producer.send(topic, [{ key, value: JSON.stringify(value) }]);
        return true;
      } catch (error) {
        options.log.warn({ event: `${what}_dropped`, rootHash: key, topic, cause: (error as Error).message }, `${what} not published on ${topic}`);
        return false;
      }
    },
    close: producer.close,
  };
}

export function createConfigUpdatePublisher(kafka: Kafka, options: ProducerOptions): ConfigUpdatePublisher {
  const producer = neverThrowingProducer(kafka, options, 'config_update');
  return { publish: (message) => producer.send(CONFIG_UPDATES_TOPIC, message.rootHash, message), close: producer.close };
}

export function createConfigRequester(kafka: Kafka, options: ProducerOptions): ConfigRequester {
  const producer = neverThrowingProducer(kafka, options, 'config_request');
  return { request: (rootHash) => producer.send(CONFIG_REQUESTS_TOPIC, rootHash, { rootHash } satisfies ConfigRequest), close: producer.close };
}

export interface ConfigRequestResponderOptions {
  sql: Sql;
  publisher: Pick<ConfigUpdatePublisher, 'publish'>;
  log: Logger;
  /** One group for all origin processes: each request is answered once (default `vora-origin-config-requests`). */
  groupId?: string;
}

/** Consumes `config-requests` and answers each with the run from the root on `config-updates`. */
export async function startConfigRequestResponder(kafka: Kafka, options: ConfigRequestResponderOptions): Promise<{ stop(): Promise<void> }> {
  const { log } = options;
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId ?? 'vora-origin-config-requests' });
  await consumer.connect();
  await consumer.subscribe({ topic: CONFIG_REQUESTS_TOPIC, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let request: ConfigRequest;
      try {
        request = ConfigRequest.parse(JSON.parse(String(message.value)));
      } catch (error) {
        log.warn({ event: 'config_request_invalid', cause: (error as Error).message }, 'config request skipped: not {rootHash}');
        return;
      }
      const answer = await runFromRoot(options.sql, request.rootHash);
      await options.publisher.publish(answer);
      log.debug({ event: 'config_request_answered', rootHash: request.rootHash, hash: answer.hash, height: answer.height }, 'config request answered');
    },
  });
  return { stop: () => consumer.disconnect() };
}
