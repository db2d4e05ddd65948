import type { Kafka } from 'kafkajs';
import { boundedProducer } from '../kafka.ts';
import { CHANNEL_EVENTS_TOPIC, ChannelEvent } from '../../../contracts/channel-events.ts';

/** Where verified channel events go. Unlike video events, `publish` throws: the webhook then answers 5xx and Twitch resends. */
export interface ChannelEventPublisher {
  publish(event: ChannelEvent): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelEventPublisherOptions {
  /** Upper bound of one publish: Twitch wants an answer within a few seconds (default 3 s). */
  timeoutMs?: number;
  topic?: string;
}

/** An idempotent producer on `channel-events` (`kafka` = `kafkaClient(brokers, 'channel-events')`), keyed by broadcaster id, connected on first use. */
export function createChannelEventPublisher(kafka: Kafka, options: ChannelEventPublisherOptions = {}): ChannelEventPublisher {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const topic = options.topic ?? CHANNEL_EVENTS_TOPIC;
  const producer = boundedProducer(kafka, { timeoutMs });

  return {
    async publish(event) {
      const checked = ChannelEvent.parse(event);
      try {
        await producer.send(topic, [{ key: checked.broadcasterId, value: JSON.stringify(checked), headers: { type: checked.type } }]);
      } catch (error) {
        throw new Error(`${(error as Error).message} (is Kafka up at KAFKA_BROKERS?)`);
      }
    },
    close: producer.close,
  };
}
