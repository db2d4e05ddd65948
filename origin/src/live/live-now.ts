import type { Logger } from 'pino';
import { LIVE_VIEWER_WINDOW_SECONDS } from '../../../contracts/live-inputs.ts';
import type { ClickHouseClient } from '../analytics/clickhouse.ts';
import { readCurrentViewers } from '../analytics/live-viewers.ts';
import { publishedBitrate, type IngestStatStream } from './ingest-stat.ts';
import { readIngestStreams } from './ingest-streams.ts';
import type { LiveInput } from './live-input-rows.ts';

/** What a live input's answer says about now. */
export interface LiveNow {
  currentViewers: number | null;
  currentBitrate: number | null;
}

export interface LiveNowDeps {
  /** Every ingest node's stat page (`http://127.0.0.1:1936/stat` locally): the input's stream is on one of them. */
  statUrls: readonly string[];
  /** Playback analytics (beacons); without it viewers are unknown (null). */
  clickhouse?: ClickHouseClient;
  log: Logger;
  /** A status read must not hang on a sick ingest or ClickHouse. */
  timeoutMs?: number;
}

const NOTHING: LiveNow = { currentViewers: null, currentBitrate: null };
/** Statuses in which a publisher may send or viewers may watch (reconnecting: viewers wait on the last segments). */
const isOn = (input: LiveInput) => input.status === 'connecting' || input.status === 'live' || input.status === 'reconnecting';

/** Reads current viewers (ClickHouse) and bitrate (the ingests' stat pages) for the inputs that are on, in one go each. */
export function liveNowReader(deps: LiveNowDeps) {
  const timeoutMs = deps.timeoutMs ?? 1_500;

  async function ingestStreams(): Promise<ReadonlyMap<string, IngestStatStream>> {
    return (await readIngestStreams(deps.statUrls, { timeoutMs, log: deps.log })).streams;
  }

  async function viewers(ids: string[]): Promise<Map<string, number> | null> {
    if (!deps.clickhouse) return null;
    try {
      return await Promise.race([
        readCurrentViewers(deps.clickhouse, ids, Date.now(), LIVE_VIEWER_WINDOW_SECONDS),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
      ]);
    } catch (error) {
      deps.log.warn({ event: 'live_viewers_unreadable', err: (error as Error).message }, 'current viewers not read from ClickHouse');
      return null;
    }
  }

  return async function readLiveNow(inputs: readonly LiveInput[]): Promise<Map<string, LiveNow>> {
    const on = inputs.filter(isOn);
    const now = new Map(inputs.map((input) => [input.id, NOTHING]));
    if (on.length === 0) return now;
    const [streams, counts] = await Promise.all([ingestStreams(), viewers(on.map((input) => input.id))]);
    for (const input of on) {
      now.set(input.id, {
        currentViewers: counts?.get(input.id) ?? null,
        // No publisher, no bitrate: a stream that lingers in nginx after the publisher left is not counted.
        currentBitrate: input.publisher ? publishedBitrate(streams.get(input.id)) : null,
      });
    }
    return now;
  };
}

export type ReadLiveNow = ReturnType<typeof liveNowReader>;
