/**
 * nginx-rtmp's stat page (`rtmp_stat all`, XML) read for what the live status needs: per stream, what the
 * publisher sends. The page is the module's own fixed output (ngx_rtmp_stat.c: elements only, no attributes,
 * text escaped), so the few leaf elements read here are taken by pattern rather than with an XML library.
 */

/** One stream of the ingest's `live` application, as its stat page lists it. */
export interface IngestStatStream {
  /** The stream's name: the live input id (on_publish renamed it from the key). */
  name: string;
  /** nginx-rtmp's incoming bandwidth, bits/s, averaged over its 10 s window (0 during the first 10 s). */
  bwIn: number;
  bytesIn: number;
  /** Milliseconds since the stream started. */
  ageMs: number;
  /** A publisher is sending (a stream with only players, such as a ladder pulling early, is not). */
  publishing: boolean;
}

const leaf = (block: string, tag: string): string | undefined => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block)?.[1];
const wholeNumber = (text: string | undefined): number => {
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
};
const unescapeXml = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * The streams of application `app` on a stat page. A page that is not nginx-rtmp's (no `<rtmp>` root) is an error
 * value, not an empty list, so a misconfigured stat URL is told apart from an idle ingest.
 */
export function parseIngestStat(xml: string, app = 'live'): { ok: true; streams: IngestStatStream[] } | { ok: false; reason: string } {
  if (!/<rtmp>[\s\S]*<\/rtmp>/.test(xml)) return { ok: false, reason: 'not an nginx-rtmp stat page (no <rtmp> element): is the URL the ingest\'s `rtmp_stat all` location?' };
  const streams: IngestStatStream[] = [];
  for (const [, application] of xml.matchAll(/<application>([\s\S]*?)<\/application>/g)) {
    if (unescapeXml(leaf(application!, 'name') ?? '') !== app) continue;
    for (const [, stream] of application!.matchAll(/<stream>([\s\S]*?)<\/stream>/g)) {
      // The stream's own fields, without its clients' (each client has a <time> and the publisher a <publishing/> of its own).
      const own = stream!.replace(/<client>[\s\S]*?<\/client>/g, '');
      streams.push({
        name: unescapeXml(leaf(own, 'name') ?? ''),
        bwIn: wholeNumber(leaf(own, 'bw_in')),
        bytesIn: wholeNumber(leaf(own, 'bytes_in')),
        ageMs: wholeNumber(leaf(own, 'time')),
        publishing: own.includes('<publishing/>'),
      });
    }
  }
  return { ok: true, streams };
}

/** Below this age bytes/time is too noisy to report (the first keyframe and headers dominate). */
const MIN_AGE_FOR_AVERAGE_MS = 2_000;

/**
 * Bits per second the publisher sends: nginx-rtmp's 10 s average once it has one, before that the average since
 * the stream started (bytes_in over its age). Null when nothing is published or it is too young to say.
 */
export function publishedBitrate(stream: IngestStatStream | undefined): number | null {
  if (!stream || !stream.publishing) return null;
  if (stream.bwIn > 0) return stream.bwIn;
  if (stream.ageMs < MIN_AGE_FOR_AVERAGE_MS) return null;
  return Math.round((stream.bytesIn * 8 * 1000) / stream.ageMs);
}
