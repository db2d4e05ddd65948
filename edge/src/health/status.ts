import { healthHttpStatus, summarizeHealth, type HealthCheckResult, type HealthReport } from '../../../contracts/health.ts';

/**
 * The edge's report, by the same rule as the origin's (contracts/health.ts): a failing critical probe
 * (KV, Durable Objects) → `down`, HTTP 503; only a non-critical one (the origin) → `degraded`, HTTP 200 —
 * the edge still serves chat and cached playback, and the stack runner can call the edge ready before
 * the origin is up.
 */
export function summarizeEdgeHealth(results: HealthCheckResult[]): { report: HealthReport; httpStatus: 200 | 503 } {
  const report = summarizeHealth('edge', results);
  return { report, httpStatus: healthHttpStatus(report) };
}
