import type { EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { VIDEO_EVENTS_TOPIC, VideoEvent } from '../../../contracts/video-events.ts';
import { videoView } from '../api/video-view.ts';
import type { Sql } from '../db/sql.ts';
import { listRenditions } from '../db/renditions.ts';
import { getVideo, type Video } from '../db/videos.ts';
import { getLiveInput } from '../live/live-input-rows.ts';
import { liveInputView, type LiveInputUrls } from '../live/live-input-view.ts';
import { runConsumerForever } from '../kafka.ts';
import type { WebhookDispatcher } from './dispatcher.ts';
import { dispatchWebhookEvent } from './event-emitter.ts';
import { recordWebhookEvent, type NewWebhookEvent } from './event-store.ts';
import { liveRecordingReadyWebhookEvent } from './resource-events.ts';

export const WEBHOOK_CONSUMER_GROUP = 'vora-webhooks';

export interface WebhookEventConsumerOptions {
  /** `kafkaClient(brokers, 'webhooks')`. */
  kafka: Kafka;
  sql: Sql;
  dispatcher: WebhookDispatcher;
  /** The URLs in a video or live input as the API shows it (`{ORIGIN_PUBLIC_URL}/media`, the RTMP application). */
  liveUrls: () => LiveInputUrls;
  log: Logger;
  groupId?: string;
  reconnectDelayMs?: number;
}

/** The live input a video is the recording of (`source.liveInputId`), or null. */
const recordedLiveInputId = (video: Video): string | null => (typeof video.source?.liveInputId === 'string' ? video.source.liveInputId : null);

/**
 * The webhook events of a video event: the video as `GET /v1/videos/:id` shows it, in the state the event announced;
 * and when a live broadcast's recording becomes READY, `live_input.recording.ready` beside it.
 */
export async function webhookEventsOfVideoEvent(sql: Sql, event: VideoEvent, urls: LiveInputUrls): Promise<NewWebhookEvent[]> {
  const video = await getVideo(sql, event.videoId);
  const data = video
    ? { ...videoView(video, urls.publicUrl, await listRenditions(sql, video.id)), state: event.state, ...(event.reason === undefined ? {} : { failureReason: event.reason }) }
    : { id: event.videoId, state: event.state };
  const occurredAt = new Date(event.at);
  const events: NewWebhookEvent[] = [{ id: event.id, type: event.type, occurredAt, data, resourceId: event.videoId }];
  const liveInputId = video && event.state === 'READY' ? recordedLiveInputId(video) : null;
  if (liveInputId !== null) {
    const input = await getLiveInput(sql, liveInputId);
    events.push(liveRecordingReadyWebhookEvent(input ? liveInputView(input, urls) : { id: liveInputId }, { ...data, id: event.videoId }, occurredAt));
  }
  return events;
}

/**
 * Kafka `video-events` → stored webhook events → one delivery workflow per matching endpoint. The offset is
 * committed only once the workflows are started, so an origin stopped in between sends them after its restart;
 * the ids make the repeat harmless.
 */
export function startWebhookEventConsumer(options: WebhookEventConsumerOptions): { ready: Promise<void>; stop(): Promise<void> } {
  const { sql, log } = options;
  const stopping = new AbortController();
  const consumer = options.kafka.consumer({ groupId: options.groupId ?? WEBHOOK_CONSUMER_GROUP, allowAutoTopicCreation: false });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => markReady());

  async function handle({ message }: EachMessagePayload): Promise<void> {
    let parsed: VideoEvent;
    try {
      parsed = VideoEvent.parse(JSON.parse(message.value?.toString('utf8') ?? ''));
    } catch (error) {
      log.warn({ event: 'webhook_event_skipped', offset: message.offset, cause: (error as Error).message }, 'video event not usable for webhooks');
      return;
    }
    for (const each of await webhookEventsOfVideoEvent(sql, parsed, options.liveUrls())) {
      const { event } = await recordWebhookEvent(sql, each);
      const started = await dispatchWebhookEvent(sql, options.dispatcher, event);
      if (started > 0) log.info({ event: 'webhook_event_dispatched', eventId: event.id, type: event.type, videoId: parsed.videoId, deliveries: started }, 'webhook deliveries started');
    }
  }

  const running = runConsumerForever(consumer, [VIDEO_EVENTS_TOPIC], { eachMessage: handle }, {
    name: 'webhook_consumer',
    log,
    retryMs: options.reconnectDelayMs ?? 5_000,
    signal: stopping.signal,
    // A partition this group never committed on would otherwise start at its end when the consumer
    // (re)joins, skipping what was published there while the origin was down. Replaying the retained topic
    // once, when the group is new, is harmless: events are stored once and deliveries are keyed by event.
    fromBeginning: true,
  });

  return {
    ready,
    async stop() {
      stopping.abort();
      await running;
      await consumer.disconnect().catch(() => {});
      markReady();
    },
  };
}
