export interface CheckResult {
  name: string;
  /** A failed critical check means this service cannot do its job (HTTP 503). */
  critical: boolean;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  service: string;
  checks: Record<string, { status: 'ok' | 'failing'; ms: number; critical: boolean; error?: string }>;
}

/** Folds dependency checks into one report: any critical failure → down, any other → degraded. */
export function summarizeHealth(service: string, results: CheckResult[]): HealthReport {
  const down = results.some((r) => !r.ok && r.critical);
  const degraded = results.some((r) => !r.ok);
  return {
    status: down ? 'down' : degraded ? 'degraded' : 'ok',
    service,
    checks: Object.fromEntries(
      results.map((r) => [r.name, { status: r.ok ? 'ok' : 'failing', ms: r.ms, critical: r.critical, ...(r.error ? { error: r.error } : {}) }]),
    ),
  };
}

export interface HealthCheck {
  name: string;
  critical: boolean;
  run(signal: AbortSignal): Promise<void>;
}

/** Runs every check at once, each bounded by `timeoutMs`, so a hung dependency cannot hang /healthz. */
export async function runChecks(checks: HealthCheck[], timeoutMs = 2_000): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (check) => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          check.run(signal),
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)))),
        ]);
        return { name: check.name, critical: check.critical, ok: true, ms: Math.round(performance.now() - started) };
      } catch (error) {
        return { name: check.name, critical: check.critical, ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
      }
    }),
  );
}
