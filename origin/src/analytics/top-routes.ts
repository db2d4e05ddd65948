import { Hono } from 'hono';
import { z } from 'zod';
import type { TopVideos } from '../../../contracts/beacons.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { dailySource, topVideosSql, toTopVideos } from './daily.ts';
import { analyticsRange, analyticsUnavailable, Instant, type AnalyticsRoutesDeps } from './routes.ts';

const TopQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/**
 * `GET /top?from&to&limit` → most-watched videos by distinct sessions (mount at `/v1/analytics`,
 * behind operator auth). Whole UTC days read the daily aggregate; any other range reads raw events.
 */
export function analyticsTopRoutes(deps: AnalyticsRoutesDeps): Hono {
  const routes = new Hono();
  routes.get('/top', validate('query', TopQuery), async (c) => {
    const query = c.req.valid('query');
    const range = analyticsRange(query, Date.now());
    if (typeof range === 'string') throw new ApiError(400, range);
    try {
      const result = await deps.clickhouse.query({ query: topVideosSql(range, query.limit), format: 'JSONEachRow' });
      const rows = await result.json<{ videoId: string; views: string; plays: string }>();
      const body: TopVideos = { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), source: dailySource(range), videos: toTopVideos(rows) };
      return c.json(body);
    } catch (error) {
      deps.log.error({ event: 'analytics_top_query_failed', err: (error as Error).message }, 'analytics top query failed');
      throw analyticsUnavailable();
    }
  });
  return routes;
}
