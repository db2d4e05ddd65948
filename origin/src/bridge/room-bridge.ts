import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { runConsumerForever } from '../kafka.ts';
import type { BackoffPolicy } from './retry-policy.ts';
import { createEdgeForwarder } from './edge-forwarder.ts';
import { BRIDGED_TOPICS, roomDeliveriesFor } from './room-events.ts';

export interface RoomBridgeOptions {
  /** `kafkaClient(brokers, 'room-bridge')`. */
  kafka: Kafka;
  /** The edge's base URL (the origin's EDGE_URL). */
  edgeUrl: string;
  /** VORA_INTERNAL_SECRET: the edge's `/internal` routes need it. */
  internalSecret: string;
  log: Logger;
  /** One group for every origin process: each event is forwarded by one of them (default `vora-room-bridge`). */
  groupId?: string;
  /** Where a brand-new group starts: live events are about now, so the default is the end of the topics. */
  fromBeginning?: boolean;
  maxEventAgeMs?: number;
  backoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  /** Wait between attempts to reach Kafka at start (default 5 s). */
  reconnectDelayMs?: number;
  fetch?: typeof fetch;
}

export interface RoomBridgeStats {
  delivered: number;
  duplicates: number;
  rejected: number;
  skipped: number;
}

export interface RoomBridge {
  /** Resolves once the consumer has joined its group (partitions assigned); never rejects. */
  ready: Promise<void>;
  stats(): RoomBridgeStats;
  /** Stops retrying, leaves the group; an event in flight stays uncommitted and is redelivered later. */
  stop(): Promise<void>;
}

export const ROOM_BRIDGE_GROUP = 'vora-room-bridge';

/**
 * Kafka `channel-events` + `video-events` → the edge's rooms, at least once: a message's offset is
 * committed only after every room it maps to accepted it (or the edge refused it for good); rooms
 * drop the repeats by event id. Starts in the background and keeps trying while Kafka is down.
 */
export function startRoomBridge(options: RoomBridgeOptions): RoomBridge {
  const { log } = options;
  const forwarder = createEdgeForwarder({ ...options });
  const stopping = new AbortController();
  const stats: RoomBridgeStats = { delivered: 0, duplicates: 0, rejected: 0, skipped: 0 };
  const consumer: Consumer = options.kafka.consumer({ groupId: options.groupId ?? ROOM_BRIDGE_GROUP, allowAutoTopicCreation: false });

  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  consumer.on(consumer.events.GROUP_JOIN, (joined) => {
    log.info({ event: 'room_bridge_joined', groupId: joined.payload.groupId, assignment: joined.payload.memberAssignment }, 'room bridge consuming');
    markReady();
  });

  async function handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const mapping = roomDeliveriesFor(topic, message.value?.toString('utf8') ?? null, { now: Date.now(), maxEventAgeMs: options.maxEventAgeMs });
    if (!mapping.ok) {
      stats.skipped += 1;
      log.warn({ event: 'room_event_skipped', topic, partition, offset: message.offset, reason: mapping.reason }, 'Kafka message not forwarded to a room');
      return;
    }
    for (const delivery of mapping.deliveries) {
      const outcome = await forwarder.forward(delivery, { signal: stopping.signal, beforeWait: () => heartbeat() });
      if (outcome.kind === 'rejected') stats.rejected += 1;
      else if (outcome.duplicate) stats.duplicates += 1;
      else stats.delivered += 1;
    }
  }

  const running = runConsumerForever(consumer, BRIDGED_TOPICS, { partitionsConsumedConcurrently: BRIDGED_TOPICS.length, eachMessage: handle }, {
    name: 'room_bridge',
    log,
    retryMs: options.reconnectDelayMs ?? 5_000,
    signal: stopping.signal,
    fromBeginning: options.fromBeginning,
  });

  return {
    ready,
    stats: () => ({ ...stats }),
    async stop() {
      stopping.abort();
      await running;
      await consumer.disconnect().catch(() => {});
      markReady();
    },
  };
}
