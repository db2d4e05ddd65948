import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { NodeId } from '../../../contracts/ids.ts';

export interface NodeRoutesDeps {
  edgeUrl: string;
  internalSecret: string | undefined;
}

const NodeParam = z.object({ id: NodeId });

/**
 * `/v1/nodes`: the CDN node registry for operators (and `vora nodes`). The registry lives in the
 * edge's KV; the origin forwards with the internal secret, so operators need only their API token.
 */
export function nodeRoutes(deps: NodeRoutesDeps): Hono {
  const app = new Hono();
  const forward = async (path: string, method: 'GET' | 'POST'): Promise<Response> => {
    if (!deps.internalSecret) throw new ApiError(503, 'VORA_INTERNAL_SECRET is not set on the origin: it cannot reach the edge registry', { code: 'misconfigured' });
    try {
      const response = await fetch(new URL(path, deps.edgeUrl), { method, headers: { authorization: `Bearer ${deps.internalSecret}` }, signal: AbortSignal.timeout(5_000) });
      return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' } });
    } catch (error) {
      throw new ApiError(502, `the edge at ${deps.edgeUrl} did not answer (${(error as Error).message}) — is it running?`);
    }
  };

  app.get('/', () => forward('/internal/nodes', 'GET'));
  app.post('/:id/drain', validate('param', NodeParam), (c) => forward(`/internal/nodes/${c.req.valid('param').id}/drain`, 'POST'));
  app.post('/:id/undrain', validate('param', NodeParam), (c) => forward(`/internal/nodes/${c.req.valid('param').id}/undrain`, 'POST'));
  app.all('*', (c) => {
    throw new ApiError(404, `no route for ${c.req.method} ${c.req.path}`);
  });
  return app;
}
