import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { boundedProducer } from '../kafka.ts';
import { VIDEO_EVENTS_TOPIC, VideoEvent, videoEventType } from '../../../contracts/video-events.ts';
import type { VideoState } from '../../../contracts/videos.ts';

export { VideoEvent } from '../../../contracts/video-events.ts';

/** Where state changes go. Best-effort (ARCHITECTURE rule 4): `publish` never throws and never waits long. */
export interface VideoEventPublisher {
  publish(event: VideoEvent): Promise<void>;
}

export interface PublisherStats {
  sent: number;
  /** Events that did not reach Kafka (broker down, timeout, invalid event); each one was logged. */
  dropped: number;
}

export interface PublisherOptions {
  log: Logger;
  topic?: string;
  /** Upper bound of one publish, so a dead broker cannot hold up an upload (default 3 s). */
  timeoutMs?: number;
  /** After a failed publish, further events are dropped at once for this long (default 5 s). */
  pauseAfterFailureMs?: number;
}

/** A fresh event for `videoId` entering `state`. */
export function newVideoEvent(videoId: string, state: VideoState, options: { reason?: string; at?: Date } = {}): VideoEvent {
  return {
    id: `evt_${randomUUID()}`,
    type: videoEventType(state),
    videoId,
    state,
    at: (options.at ?? new Date()).toISOString(),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
}

/**
 * A producer on `video-events` (`kafka` = `kafkaClient(brokers, 'video-events')`), keyed by video id (per-video
 * order), idempotent (no duplicates from its own retries), connected on first use and reconnected after a failure.
 */
export function createVideoEventPublisher(kafka: Kafka, options: PublisherOptions): VideoEventPublisher & { close(): Promise<void>; stats(): PublisherStats } {
  const { log } = options;
  const topic = options.topic ?? VIDEO_EVENTS_TOPIC;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 5_000;
  const producer = boundedProducer(kafka, { timeoutMs });
  const stats: PublisherStats = { sent: 0, dropped: 0 };
  let closed = false;
  // After a failure, drop at once for a while rather than make every caller wait out the timeout again.
  let brokenUntil = 0;

  const drop = (event: unknown, cause: string) => {
    stats.dropped += 1;
    const videoId = (event as { videoId?: unknown }).videoId;
    log.warn({ event: 'video_event_dropped', videoId, cause, dropped: stats.dropped }, `video event not published: ${cause}`);
  };

  return {
    async publish(event) {
      const checked = VideoEvent.safeParse(event);
      if (!checked.success) return drop(event, `invalid event (${checked.error.issues[0]?.message})`);
      if (closed) return drop(event, 'publisher is closed');
      if (Date.now() < brokenUntil) return drop(event, `Kafka failed moments ago; publishing resumes after ${new Date(brokenUntil).toISOString()}`);
      try {
        await producer.send(topic, [{ key: checked.data.videoId, value: JSON.stringify(checked.data), headers: { type: checked.data.type } }]);
        stats.sent += 1;
        log.debug({ event: 'video_event_published', videoId: event.videoId, type: event.type }, 'video event published');
      } catch (error) {
        brokenUntil = Date.now() + pauseAfterFailureMs;
        drop(event, `${(error as Error).message} (is Kafka up at KAFKA_BROKERS? \`vora doctor\` checks it)`);
      }
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      await producer.close();
    },
  };
}
