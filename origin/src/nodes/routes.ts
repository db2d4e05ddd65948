import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { NodeId } from '../../../contracts/ids.ts';
import { NodeDrainAnswer } from '../../../contracts/nodes.ts';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';
import { nodeDrainChangeWebhookEvent, nodeDrainWebhookEvent } from '../outgoing-webhooks/resource-events.ts';

export interface NodeRoutesDeps {
  edgeUrl: string;
  internalSecret: string | undefined;
  /** Told each drain and undrain the edge accepted (`node.drained` / `node.undrained` webhooks). */
  events?: Pick<WebhookEventEmitter, 'emit'>;
}

const NodeParam = z.object({ id: NodeId });

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

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

  /**
   * Forwards a drain or undrain and, once the edge took it, emits the webhook event of the change it answered (null:
   * the node already was in that state). The edge reports the same change itself; its id makes both one event.
   */
  const forwardDrain = async (id: string, action: 'drain' | 'undrain'): Promise<Response> => {
    const response = await forward(`/internal/nodes/${id}/${action}`, 'POST');
    if (!response.ok || !deps.events) return response;
    const text = await response.text();
    const answer = NodeDrainAnswer.safeParse(jsonOrNull(text));
    // An answer of another shape is still the edge's answer to pass on; only the event is left out.
    if (answer.success && answer.data.change) await deps.events.emit(nodeDrainChangeWebhookEvent(answer.data.change));
    // An edge from before drain changes: the event of every accepted drain, as then.
    else if (answer.success && answer.data.change === undefined) await deps.events.emit(nodeDrainWebhookEvent(answer.data, new Date()));
    return new Response(text, { status: response.status, headers: response.headers });
  };

  app.get('/', () => forward('/internal/nodes', 'GET'));
  app.post('/:id/drain', validate('param', NodeParam), (c) => forwardDrain(c.req.valid('param').id, 'drain'));
  app.post('/:id/undrain', validate('param', NodeParam), (c) => forwardDrain(c.req.valid('param').id, 'undrain'));
  app.all('*', (c) => {
    throw new ApiError(404, `no route for ${c.req.method} ${c.req.path}`);
  });
  return app;
}
