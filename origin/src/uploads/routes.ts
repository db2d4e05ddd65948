import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { errorBody, errorCodeFor } from '../../../contracts/http.ts';
import type { TusUploads } from './tus-server.ts';

/**
 * `/v1/uploads` in Hono: the request (body as a stream, never read whole) goes to @tus/server's
 * web handler. TUS answers errors in plain text; they become our JSON error shape here.
 */
export function uploadRoutes(uploads: TusUploads): Hono<{ Bindings: Partial<HttpBindings> }> {
  const app = new Hono<{ Bindings: Partial<HttpBindings> }>();
  app.all('*', async (c) => {
    const request = c.req.raw;
    // @tus/server watches the Node request (srvx's `runtime.node`) to notice a client that went away:
    // it then keeps the bytes that arrived, so the client resumes from there instead of from 0.
    if (c.env?.incoming && c.env.outgoing) {
      Object.defineProperty(request, 'runtime', { value: { name: 'node', node: { req: c.env.incoming, res: c.env.outgoing } }, configurable: true });
    }
    return asJsonError(await uploads.handle(request));
  });
  return app;
}

async function asJsonError(response: Response): Promise<Response> {
  if (response.status < 400 || response.headers.get('content-type')?.includes('json')) return response;
  const text = response.body ? (await response.text()).trim() : '';
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  const body = JSON.stringify(errorBody(errorCodeFor(response.status), text || response.statusText || `upload request failed with ${response.status}`));
  return new Response(body, { status: response.status, headers });
}
