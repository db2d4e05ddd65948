import { describe, expect, it } from 'vitest';
import type { HealthCheckResult } from '../../contracts/health.ts';
import { summarizeEdgeHealth } from '../../edge/src/health/status.ts';

const probe = (name: string, critical: boolean, ok: boolean): HealthCheckResult => ({ name, critical, ok, ms: 1, ...(ok ? {} : { error: 'refused' }) });

describe('summarizeEdgeHealth', () => {
  it('is ok when every probe passes', () => {
    const { report, httpStatus } = summarizeEdgeHealth([probe('kv', true, true), probe('origin', false, true)]);
    expect([report.status, httpStatus]).toEqual(['ok', 200]);
  });

  it('is degraded (200) when only a non-critical probe fails, and keeps its error', () => {
    const { report, httpStatus } = summarizeEdgeHealth([probe('kv', true, true), probe('origin', false, false)]);
    expect([report.status, httpStatus]).toEqual(['degraded', 200]);
    expect(report.checks.origin).toEqual({ status: 'failing', ms: 1, critical: false, error: 'refused' });
  });

  it('is down (503) when a critical probe fails, whatever the others say', () => {
    const { report, httpStatus } = summarizeEdgeHealth([probe('kv', true, false), probe('origin', false, true)]);
    expect([report.status, httpStatus]).toEqual(['down', 503]);
  });
});
