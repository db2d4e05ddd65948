import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CreateWebhookEndpointBody, UpdateWebhookEndpointBody, WebhookEndpointId } from '../../../contracts/webhooks.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import type { Sql } from '../db/sql.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  webhookEndpointView,
} from './endpoint-store.ts';
import { checkWebhookUrl, type WebhookUrlPolicy } from './url-safety.ts';

export interface WebhookEndpointRoutesDeps {
  sql: Sql;
  urlPolicy: WebhookUrlPolicy;
  /** Seals each new secret before it is stored (`VORA_SECRETS_KEY`). */
  sealedSecrets: SealedSecrets;
  log: Logger;
}

const EndpointParam = z.object({ id: WebhookEndpointId });

export const noWebhookEndpoint = (id: string) => new ApiError(404, `no webhook endpoint ${id} (\`vora webhooks ls\` lists them)`);

/**
 * `/v1/webhook-endpoints`: create (the secret is in this answer only), list, read, update (url, events,
 * description, enabled), delete, rotate the secret. Operator auth is applied by the caller.
 */
export function webhookEndpointRoutes(deps: WebhookEndpointRoutesDeps): Hono {
  const { sql, log } = deps;
  const app = new Hono();

  const refuseUnsafeUrl = (url: string) => {
    const verdict = checkWebhookUrl(url, deps.urlPolicy);
    if (!verdict.ok) throw new ApiError(422, `url refused: ${verdict.reason}`, { code: 'unsafe_url' });
  };

  app.post('/', validate('json', CreateWebhookEndpointBody), async (c) => {
    const body = c.req.valid('json');
    refuseUnsafeUrl(body.url);
    const endpoint = await createWebhookEndpoint(sql, deps.sealedSecrets, body);
    log.info({ event: 'webhook_endpoint_created', endpointId: endpoint.id, events: endpoint.events }, 'webhook endpoint created');
    return c.json(webhookEndpointView(endpoint), 201);
  });

  app.get('/', async (c) => c.json({ endpoints: (await listWebhookEndpoints(sql)).map((endpoint) => webhookEndpointView(endpoint)) }));

  app.get('/:id', validate('param', EndpointParam), async (c) => {
    const { id } = c.req.valid('param');
    const endpoint = await getWebhookEndpoint(sql, id);
    if (!endpoint) throw noWebhookEndpoint(id);
    return c.json(webhookEndpointView(endpoint));
  });

  app.patch('/:id', validate('param', EndpointParam), validate('json', UpdateWebhookEndpointBody), async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    if (patch.url !== undefined) refuseUnsafeUrl(patch.url);
    const endpoint = await updateWebhookEndpoint(sql, id, patch);
    if (!endpoint) throw noWebhookEndpoint(id);
    log.info({ event: 'webhook_endpoint_updated', endpointId: id, fields: Object.keys(patch) }, 'webhook endpoint updated');
    return c.json(webhookEndpointView(endpoint));
  });

  app.delete('/:id', validate('param', EndpointParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteWebhookEndpoint(sql, id))) throw noWebhookEndpoint(id);
    log.info({ event: 'webhook_endpoint_deleted', endpointId: id }, 'webhook endpoint deleted');
    return c.body(null, 204);
  });

  app.post('/:id/rotate-secret', validate('param', EndpointParam), async (c) => {
    const { id } = c.req.valid('param');
    const endpoint = await rotateWebhookSecret(sql, deps.sealedSecrets, id);
    if (!endpoint) throw noWebhookEndpoint(id);
    log.info({ event: 'webhook_secret_rotated', endpointId: id }, 'webhook secret rotated; the previous one signs for 24 h more');
    return c.json(webhookEndpointView(endpoint));
  });

  return app;
}
