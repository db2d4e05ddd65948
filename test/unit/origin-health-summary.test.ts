import { describe, expect, it } from 'vitest';
import { summarizeHealth } from '../../contracts/health.ts';
import { runChecks } from '../../origin/src/health/run-checks.ts';

describe('origin health', () => {
  it('is ok when every check passes, degraded when an optional one fails, down when a critical one fails', async () => {
    const pass = { name: 'minio', critical: false, run: async () => {} };
    const failOptional = { name: 'kafka', critical: false, run: async () => Promise.reject(new Error('connection refused')) };
    const failCritical = { name: 'database', critical: true, run: async () => Promise.reject(new Error('locked')) };
    expect(summarizeHealth('origin', await runChecks([pass])).status).toBe('ok');
    const degraded = summarizeHealth('origin', await runChecks([pass, failOptional]));
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks.kafka).toMatchObject({ status: 'failing', error: 'connection refused' });
    expect(summarizeHealth('origin', await runChecks([pass, failOptional, failCritical])).status).toBe('down');
  });

  it('bounds a check that never answers', async () => {
    const hung = { name: 'temporal', critical: false, run: () => new Promise<void>(() => {}) };
    const started = Date.now();
    const [result] = await runChecks([hung], 50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
  });
});
