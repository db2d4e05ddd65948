import type { IngestStatStream } from './ingest-stat.ts';
import type { LiveInput } from './live-input-rows.ts';

/** What the ingests' stat pages said: `complete` only when every configured page answered. */
export interface IngestStreamsRead {
  complete: boolean;
  /** By stream name (the live input id), a publishing stream preferred over one with players only. */
  streams: ReadonlyMap<string, IngestStatStream>;
}

/** A claim younger than this is not judged: nginx lists the stream only once on_publish has answered. */
export const CLAIM_SETTLE_MS = 10_000;

/**
 * Whether the input's publisher is gone although its claim stands: an ingest that restarted or died never sends
 * on_publish_done, so the row would keep a dead publisher (refusing the streamer's reconnect) for ever. Gone only
 * when every ingest answered and none lists the input's stream as publishing; an unreadable ingest may still carry it. Pure.
 */
export function publisherGone(input: LiveInput, read: IngestStreamsRead, now: number): boolean {
  if (!input.publisher || !read.complete) return false;
  if (now - Date.parse(input.publisher.since) < CLAIM_SETTLE_MS) return false;
  return read.streams.get(input.id)?.publishing !== true;
}
