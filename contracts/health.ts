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

/** The outcome of one dependency check, as plain data. */
export interface HealthCheckResult {
  name: string;
  /** A failed critical check means the service cannot do its job (HTTP 503). */
  critical: boolean;
  ok: boolean;
  ms: number;
  error?: string;
}

/** Folds check results into one report: any critical failure → `down`, any other → `degraded`, else `ok`. Pure. */
export function summarizeHealth(service: string, results: readonly HealthCheckResult[]): HealthReport {
  const down = results.some((r) => !r.ok && r.critical);
  const degraded = results.some((r) => !r.ok);
  return {
    status: down ? 'down' : degraded ? 'degraded' : 'ok',
    service,
    checks: Object.fromEntries(
      results.map((r) => [r.name, { status: r.ok ? 'ok' : 'failing', ms: r.ms, critical: r.critical, ...(r.error ? { error: r.error } : {}) }] as const),
    ),
  };
}

/** `down` is 503, so load balancers and the stack runner stop sending work; `degraded` still answers 200. */
export function healthHttpStatus(report: HealthReport): 200 | 503 {
  return report.status === 'down' ? 503 : 200;
}
