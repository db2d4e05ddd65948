import type { Logger } from 'pino';
import { parseIngestStat, type IngestStatStream } from './ingest-stat.ts';
import { publisherGone, type IngestStreamsRead } from './publisher-liveness.ts';
import type { LiveInput } from './live-input-rows.ts';

/** Every ingest's streams from its stat page, bounded in time; a page that does not answer makes the read incomplete. */
export async function readIngestStreams(statUrls: readonly string[], options: { timeoutMs: number; log: Logger }): Promise<IngestStreamsRead> {
  const streams = new Map<string, IngestStatStream>();
  let complete = statUrls.length > 0;
  await Promise.all(statUrls.map(async (url) => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const page = parseIngestStat(await response.text());
      if (!page.ok) throw new Error(page.reason);
      for (const stream of page.streams) if (stream.publishing || !streams.has(stream.name)) streams.set(stream.name, stream);
    } catch (error) {
      complete = false;
      options.log.warn({ event: 'ingest_stat_unreadable', url, err: (error as Error).message }, 'ingest stat page not read');
    }
  }));
  return { complete, streams };
}

/** Asks the ingests whether an input's claimed publisher is still there (see `publisherGone`). */
export type PublisherGoneCheck = (input: LiveInput) => Promise<boolean>;

export function publisherGoneCheck(statUrls: readonly string[], log: Logger, timeoutMs = 1_500): PublisherGoneCheck {
  return async (input) => input.publisher !== null && publisherGone(input, await readIngestStreams(statUrls, { timeoutMs, log }), Date.now());
}
