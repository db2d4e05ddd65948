import type { S3Client } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { partitionOfDay, restoreDay } from './archive.ts';
import type { ClickHouseClient } from './clickhouse.ts';

export interface AnalyticsArchiveDeps {
  clickhouse: ClickHouseClient;
  s3: S3Client;
  bucket: string;
  log: Logger;
}

const RestoreBody = z.object({ day: z.string().refine((day) => partitionOfDay(day) !== null, 'a day is YYYY-MM-DD') });

/** `POST /v1/analytics/archive/restore {day}` (scope admin): re-imports an archived day into playback_events. */
export function analyticsArchiveRoutes(deps: AnalyticsArchiveDeps): Hono {
  const routes = new Hono();
  routes.post('/restore', validate('json', RestoreBody), async (c) => {
    const { day } = c.req.valid('json');
    try {
      const restored = await restoreDay(deps, day);
      deps.log.info({ event: 'analytics_day_restored', day, ...restored }, 'restored an archived analytics day');
      return c.json({ day, bucket: deps.bucket, ...restored });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith('no archive of')) throw new ApiError(404, message);
      deps.log.error({ event: 'analytics_restore_failed', day, err: message }, 'could not restore an archived analytics day');
      throw new ApiError(503, `restoring ${day} failed: ${message} (are ClickHouse and MinIO up? \`vora doctor\` checks them)`, { code: 'analytics_unavailable' });
    }
  });
  return routes;
}
