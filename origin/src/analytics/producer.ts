import type { Kafka } from 'kafkajs';
import { boundedProducer } from '../kafka.ts';
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
  const producer = boundedProducer(kafka, { timeoutMs, idempotent: false, retry: { retries: 1, initialRetryTime: 100 } });
  const stats = { sent: 0, dropped: 0 };
  let brokenUntil = 0;

  const drop = (events: PlaybackEventRecord[], cause: string): 'dropped' => {
    stats.dropped += events.length;
    log.warn({ event: 'playback_events_dropped', videoId: events[0]?.videoId, count: events.length, dropped: stats.dropped, cause }, `beacon not published: ${cause}`);
    return 'dropped';
  };

  return {
    async publish(events) {
      if (Date.now() < brokenUntil) return drop(events, 'Kafka failed moments ago');
      try {
        await producer.send(PLAYBACK_EVENTS_TOPIC, events.map((event) => ({ key: event.videoId, value: JSON.stringify(event) })));
        stats.sent += events.length;
        return 'sent';
      } catch (error) {
        brokenUntil = Date.now() + pauseAfterFailureMs;
        return drop(events, (error as Error).message);
      }
    },
    stats: () => ({ ...stats }),
    close: producer.close,
  };
}
