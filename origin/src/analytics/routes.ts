import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { VideoId } from '../../../contracts/ids.ts';
import type { ClickHouseClient } from './clickhouse.ts';
import { fillDays, viewsByDaySql } from './daily.ts';
import { byCountrySql, summarySql, toVideoAnalytics, type AnalyticsRange, type SummaryRow } from './metrics.ts';

export interface AnalyticsRoutesDeps {
  clickhouse: ClickHouseClient;
  log: Logger;
}

const DEFAULT_SPAN_MS = 7 * 86_400_000;
const MAX_SPAN_MS = 366 * 86_400_000;
/** ISO 8601 with offset, or epoch ms. */
export const Instant = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,14}$/)]).transform((text) => (/^\d+$/.test(text) ? Number(text) : Date.parse(text)));
const RangeQuery = z.object({ from: Instant.optional(), to: Instant.optional() });

export const analyticsUnavailable = () => new ApiError(503, 'analytics are unavailable: ClickHouse did not answer (is it running? `vora doctor` checks it)');

/** `from`/`to` (ISO 8601 or epoch ms); defaults to the last 7 days. */
export function analyticsRange(query: { from?: number; to?: number }, now: number): AnalyticsRange | string {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_SPAN_MS;
  if (from >= to) return 'from must be before to';
  if (to - from > MAX_SPAN_MS) return 'the range is at most 366 days';
  return { from, to };
}

/** `GET /v1/videos/:id/analytics?from&to` (mount at `/v1/videos`, behind operator auth). */
export function analyticsRoutes(deps: AnalyticsRoutesDeps): Hono {
  const routes = new Hono();
  routes.get('/:id/analytics', validate('param', z.object({ id: VideoId })), validate('query', RangeQuery), async (c) => {
    const videoId = c.req.valid('param').id;
    const range = analyticsRange(c.req.valid('query'), Date.now());
    if (typeof range === 'string') throw new ApiError(400, range);
    try {
      const [summary, countries, days] = await Promise.all([
        deps.clickhouse.query({ query: summarySql(videoId, range), format: 'JSONEachRow' }).then((r) => r.json<SummaryRow>()),
        deps.clickhouse.query({ query: byCountrySql(videoId, range), format: 'JSONEachRow' }).then((r) => r.json<{ country: string; views: string }>()),
        deps.clickhouse.query({ query: viewsByDaySql(videoId, range), format: 'JSONEachRow' }).then((r) => r.json<{ day: string; views: string }>()),
      ]);
      return c.json(toVideoAnalytics(videoId, range, summary[0]!, countries, fillDays(range, days)));
    } catch (error) {
      deps.log.error({ event: 'analytics_query_failed', videoId, err: (error as Error).message }, 'analytics query failed');
      throw analyticsUnavailable();
    }
  });
  return routes;
}
