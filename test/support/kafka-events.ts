/** Kafka as a test reads it: every message of a topic, collected for assertions. */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { VideoEvent } from '../../contracts/video-events.ts';

/** Collects every `video-events` message from the beginning, for assertions by video id. */
export async function collectVideoEvents(brokers: string[]): Promise<{ events: VideoEvent[]; keys: string[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'origin-api-test', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `origin-api-test-${Date.now()}` });
  const events: VideoEvent[] = [];
  const keys: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'video-events', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      keys.push(String(message.key));
      events.push(JSON.parse(String(message.value)));
    },
  });
  return { events, keys, stop: () => consumer.disconnect() };
}
