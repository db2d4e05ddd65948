import type { HealthCheckResult } from '../../../contracts/health.ts';

export interface HealthCheck {
  name: string;
  critical: boolean;
  run(signal: AbortSignal): Promise<void>;
}

/** Runs every check at once, each bounded by `timeoutMs`, so a hung dependency cannot hang /healthz. */
export async function runChecks(checks: HealthCheck[], timeoutMs = 2_000): Promise<HealthCheckResult[]> {
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
