import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { runChecks, summarizeHealth, type HealthCheck } from './health/summary.ts';

export interface OriginDeps {
  log: Logger;
  healthChecks: HealthCheck[];
}

/** The origin's HTTP surface. Routes are mounted per resource; errors become one JSON shape. */
export function createOriginApp(deps: OriginDeps): Hono {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    const report = summarizeHealth('origin', await runChecks(deps.healthChecks));
    return c.json(report, report.status === 'down' ? 503 : 200);
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ error: { code: codeFor(error.status), message: error.message } }, error.status);
    }
    deps.log.error({ event: 'unhandled_error', err: error, path: c.req.path }, 'request failed');
    return c.json({ error: { code: 'internal', message: 'internal error; the origin log has the details' } }, 500);
  });

  return app;
}

function codeFor(status: number): string {
  const names: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'too_large', 422: 'invalid', 429: 'rate_limited' };
  return names[status] ?? (status >= 500 ? 'unavailable' : 'error');
}
