import type { Kafka } from 'kafkajs';
import { boundedProducer } from '../kafka.ts';
import type { Logger } from 'pino';
import { MAX_PLAYBACK_EVENTS_SEND_BYTES, PLAYBACK_EVENTS_TOPIC, type PlaybackEventRecord } from '../../../contracts/beacons.ts';
import { playbackEventMessage, rowLine, writeRowLines } from './rows.ts';

export interface PlaybackEventProducer {
  /** Never throws, never waits much longer than `lingerMs + timeoutMs` (plus compressing the send): resolves with what happened to the batch. */
  publish(events: PlaybackEventRecord[]): Promise<'sent' | 'dropped'>;
  stats(): { sent: number; dropped: number };
  /** Sends what is waiting, then disconnects. */
  close(): Promise<void>;
}

export interface ProducerOptions {
  log: Logger;
  /** Default 1 s: a beacon is not worth holding a request for longer. */
  timeoutMs?: number;
  /** After a failure, drop at once for this long (default 5 s) instead of waiting out the timeout again. */
  pauseAfterFailureMs?: number;
  /** Beacons arriving within this long of each other go to Kafka in one request (default 10 ms; kafkajs has no linger of its own). */
  lingerMs?: number;
  /** Most bytes of rows in one send (default and ceiling MAX_PLAYBACK_EVENTS_SEND_BYTES): a send goes at once when it is full. */
  maxBytesPerSend?: number;
}

interface Waiting {
  events: PlaybackEventRecord[];
  settle: (outcome: 'sent' | 'dropped') => void;
}

/**
 * Beacons → Kafka `playback-events`, each event as its ClickHouse row (the sink streams it on unparsed). Beacons of
 * the same few milliseconds share one acknowledged send, whose rows are one gzipped message: the broker and both
 * Kafka clients work per message and per byte, so a message per event, then uncompressed rows (kafkajs copies and
 * checksums every byte in the origin's one thread), then a compressed message per video cost most of the ingest.
 * Best-effort: drops are counted and logged.
 */
export function createPlaybackEventProducer(kafka: Kafka, options: ProducerOptions): PlaybackEventProducer {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const pauseAfterFailureMs = options.pauseAfterFailureMs ?? 5_000;
  const lingerMs = options.lingerMs ?? 10;
  const maxBytesPerSend = Math.min(options.maxBytesPerSend ?? MAX_PLAYBACK_EVENTS_SEND_BYTES, MAX_PLAYBACK_EVENTS_SEND_BYTES);
  const producer = boundedProducer(kafka, { timeoutMs, idempotent: false, retry: { retries: 1, initialRetryTime: 100 } });
  const stats = { sent: 0, dropped: 0 };
  let brokenUntil = 0;
  let waiting: Waiting[] = [];
  /** The waiting beacons' rows, JSONEachRow: the next send's body, filled up to waitingBytes. */
  let body: Buffer | undefined;
  let waitingBytes = 0;
  let waitingRows = 0;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  const drop = (events: PlaybackEventRecord[], cause: string): 'dropped' => {
    stats.dropped += events.length;
    log.warn({ event: 'playback_events_dropped', videoId: events[0]?.videoId, count: events.length, dropped: stats.dropped, cause }, `beacon not published: ${cause}`);
    return 'dropped';
  };

  const send = async (taken: Waiting[], rowsBody: Buffer, rows: number) => {
    try {
      await producer.send(PLAYBACK_EVENTS_TOPIC, [await playbackEventMessage(rowsBody, rows)]);
      stats.sent += rows;
      for (const entry of taken) entry.settle('sent');
    } catch (error) {
      brokenUntil = Date.now() + pauseAfterFailureMs;
      drop(taken.flatMap((entry) => entry.events), (error as Error).message);
      for (const entry of taken) entry.settle('dropped');
    }
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const sending = send(waiting, body!.subarray(0, waitingBytes), waitingRows);
    waiting = [];
    body = undefined;
    waitingBytes = 0;
    waitingRows = 0;
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };

  return {
    publish(events) {
      if (Date.now() < brokenUntil) return Promise.resolve(drop(events, 'Kafka failed moments ago'));
      // Stringified now, in the request that brought them, and written into the next send's body.
      const lines = events.map(rowLine);
      let bytes = 0;
      for (const line of lines) bytes += Buffer.byteLength(line) + 1;
      if (waitingBytes + bytes > maxBytesPerSend) flush();
      // Room for a full send (a lone beacon over a small configured cap gets a body of its own size).
      body ??= Buffer.allocUnsafe(Math.max(maxBytesPerSend, bytes));
      waitingBytes = writeRowLines(body, waitingBytes, lines, bytes);
      waitingRows += lines.length;
      return new Promise((settle) => {
        waiting.push({ events, settle });
        if (waitingBytes >= maxBytesPerSend) flush();
        else timer ??= setTimeout(flush, lingerMs);
      });
    },
    stats: () => ({ ...stats }),
    async close() {
      flush();
      await Promise.all(inFlight);
      await producer.close();
    },
  };
}
