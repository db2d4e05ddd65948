import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_PROCESSING_WINDOW_MS, ProcessingWindow, processingWindowMs, type ProcessingStats } from '../../../contracts/processing-stats.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { processingStats } from '../db/processing-stats.ts';
import type { Sql } from '../db/sql.ts';

const ProcessingQuery = z.object({ window: ProcessingWindow.default('7d') });

/**
 * `GET /processing?window=7d` (mount at `/v1/stats`, behind operator auth): Vora's published processing times —
 * median and p95 seconds from an upload's last byte to PLAYABLE and to READY, by source duration and path.
 */
export function processingStatsRoutes(deps: { sql: Sql; now?: () => number }): Hono {
  const routes = new Hono();
  routes.get('/processing', validate('query', ProcessingQuery), async (c) => {
    const { window } = c.req.valid('query');
    const windowMs = processingWindowMs(window);
    if (windowMs > MAX_PROCESSING_WINDOW_MS) throw new ApiError(400, `window ${window} is longer than a year: ask for 366d or less`);
    const to = new Date((deps.now ?? Date.now)());
    const from = new Date(to.getTime() - windowMs);
    const body: ProcessingStats = { from: from.toISOString(), to: to.toISOString(), groups: await processingStats(deps.sql, { from, to }) };
    return c.json(body);
  });
  return routes;
}
