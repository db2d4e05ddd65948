import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { PLAYBACK_EVENTS_TOPIC, type PlaybackEventRecord } from '../../../contracts/beacons.ts';

export interface PlaybackEventProducer {
  /** Never throws, never waits longer than `timeoutMs`: resolves with what happened to the batch. */
  publish(events: PlaybackEventRecord[]): Promise<'sent' | 'dropped'>;
  stats(): { sent: number; dropped: number };
  close(): Promise<void>;
}

export interface ProducerOptions {
  log: Logger;
  /** Default 1 s: a beacon is not worth holding a request for longer. */
  timeoutMs?: number;
  /** After a failure, drop at once for this long (default 5 s) instead of waiting out the timeout again. */
  pauseAfterFailureMs?: number;
}

/** Beacons → Kafka `playback-events`, keyed by video (per-video order). Best-effort: drops are counted and logged. */
export function createPlaybackEventProducer(kafka: Kafka, options: ProducerOptions): PlaybackEventProducer {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 5_000;
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 1, initialRetryTime: 100 } });
  const stats = { sent: 0, dropped: 0 };
  let connected: Promise<void> | undefined;
  let brokenUntil = 0;

  const connect = () =>
    (connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    }));

  const drop = (events: PlaybackEventRecord[], cause: string): 'dropped' => {
    stats.dropped += events.length;
    log.warn({ event: 'playback_events_dropped', videoId: events[0]?.videoId, count: events.length, dropped: stats.dropped, cause }, `beacon not published: ${cause}`);
    return 'dropped';
  };

  async function send(events: PlaybackEventRecord[]): Promise<void> {
    await connect();
    const messages = events.map((event) => ({ key: event.videoId, value: JSON.stringify(event) }));
    await producer.send({ topic: PLAYBACK_EVENTS_TOPIC, acks: -1, messages });
  }

  return {
    async publish(events) {
      if (Date.now() < brokenUntil) return drop(events, 'Kafka failed moments ago');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([send(events), timeout]);
        stats.sent += events.length;
        return 'sent';
      } catch (error) {
        brokenUntil = Date.now() + pauseAfterFailureMs;
        return drop(events, (error as Error).message);
      } finally {
        clearTimeout(timer);
      }
    },
    stats: () => ({ ...stats }),
    close: () => producer.disconnect().catch(() => {}),
  };
}
