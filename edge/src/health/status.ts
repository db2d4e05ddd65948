import type { HealthReport } from '../../../contracts/health.ts';

/** The outcome of one probe, as plain data. */
export interface ProbeResult {
  name: string;
  critical: boolean;
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * Folds probe results into the shared report shape (contracts/health.ts), the same rule as the origin's:
 * a failing critical probe (KV, Durable Objects) → `down`, HTTP 503; only a non-critical one (the origin)
 * → `degraded`, HTTP 200 — the edge still serves chat and cached playback, and the stack runner can call
 * the edge ready before the origin is up.
 */
export function summarizeEdgeHealth(results: ProbeResult[]): { report: HealthReport; httpStatus: 200 | 503 } {
  const down = results.some((r) => !r.ok && r.critical);
  const degraded = results.some((r) => !r.ok);
  const checks = Object.fromEntries(
    results.map((r) => [r.name, { status: r.ok ? 'ok' : 'failing', ms: r.ms, critical: r.critical, ...(r.error ? { error: r.error } : {}) }] as const),
  );
  const status = down ? 'down' : degraded ? 'degraded' : 'ok';
  return { report: { status, service: 'edge', checks }, httpStatus: down ? 503 : 200 };
}
