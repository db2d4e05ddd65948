import { z } from 'zod';

/** One dependency check of a `/healthz` report. A failing `critical` check means the service cannot do its job. */
export const HealthCheckReport = z.object({
  status: z.enum(['ok', 'failing']),
  ms: z.number().nonnegative(),
  critical: z.boolean(),
  error: z.string().optional(),
});
export type HealthCheckReport = z.infer<typeof HealthCheckReport>;

/**
 * `GET /healthz` of every Vora service (origin, edge): `down` (HTTP 503) when a critical check fails,
 * `degraded` (HTTP 200) when only a non-critical one does, else `ok`.
 */
export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  service: z.string(),
  checks: z.record(z.string(), HealthCheckReport),
});
export type HealthReport = z.infer<typeof HealthReport>;
