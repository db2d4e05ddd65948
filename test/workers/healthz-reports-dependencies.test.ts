import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthReport } from '../../contracts/health.ts';
import { edgeFetch } from './helpers.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /healthz', () => {
  it('is degraded but 200 when the origin does not answer (KV and rooms still work)', async () => {
    const response = await edgeFetch('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const report = HealthReport.parse(await response.json());
    expect(report.service).toBe('edge');
    expect(report.status).toBe('degraded');
    expect(report.checks.kv?.status).toBe('ok');
    expect(report.checks.durableObjects?.status).toBe('ok');
    expect(report.checks.origin).toMatchObject({ status: 'failing', critical: false });
    expect(report.checks.origin?.error).toBeTruthy();
  });

  it('is ok when the origin answers its own /healthz', async () => {
    const realFetch = globalThis.fetch;
    const seen: string[] = [];
    // The worker runs in the test's isolate, so a mock of fetch is what the origin probe calls.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      seen.push(url);
      if (url.startsWith(env.ORIGIN_URL)) return Response.json({ status: 'ok' });
      return realFetch(input, init);
    });
    const report = HealthReport.parse(await (await edgeFetch('/healthz')).json());
    expect(seen).toContain(`${env.ORIGIN_URL}/healthz`);
    expect(report.status).toBe('ok');
    expect(Object.values(report.checks).every((check) => check.status === 'ok')).toBe(true);
  });

  it('is degraded when the origin answers with an error status', async () => {
    // A fresh Response per call: a body made in the test's context cannot be read by the worker's request.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('boom', { status: 503 }));
    const report = HealthReport.parse(await (await edgeFetch('/healthz')).json());
    expect(report.status).toBe('degraded');
    expect(report.checks.origin?.error).toContain('503');
  });
});

describe('unknown routes', () => {
  it('answer 404 with the JSON error shape', async () => {
    const response = await edgeFetch('/no/such/route', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no route for POST /no/such/route' } });
  });
});
