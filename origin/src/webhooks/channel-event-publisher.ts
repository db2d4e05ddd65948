import { Kafka, logLevel } from 'kafkajs';
import { boundedProducer } from '../events/bounded-producer.ts';
import { CHANNEL_EVENTS_TOPIC, ChannelEvent } from '../../../contracts/channel-events.ts';

/** Where verified channel events go. Unlike video events, `publish` throws: the webhook then answers 5xx and Twitch resends. */
export interface ChannelEventPublisher {
  publish(event: ChannelEvent): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelEventPublisherOptions {
  brokers: string[];
  /** Upper bound of one publish: Twitch wants an answer within a few seconds (default 3 s). */
  timeoutMs?: number;
  topic?: string;
}

/** An idempotent kafkajs producer on `channel-events`, keyed by broadcaster id, connected on first use. */
export function createChannelEventPublisher(options: ChannelEventPublisherOptions): ChannelEventPublisher {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const topic = options.topic ?? CHANNEL_EVENTS_TOPIC;
  const kafka = new Kafka({
    clientId: 'vora-origin-webhooks',
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_500,
    requestTimeout: timeoutMs,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const producer = boundedProducer(kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }), timeoutMs);

  return {
    async publish(event) {
      const checked = ChannelEvent.parse(event);
      try {
        await producer.send(topic, [{ key: checked.broadcasterId, value: JSON.stringify(checked), headers: { type: checked.type } }]);
      } catch (error) {
        throw new Error(`${(error as Error).message} (brokers ${options.brokers.join(',')})`);
      }
    },
    close: producer.close,
  };
}
