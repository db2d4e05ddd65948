import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CreateApiTokenRequest, type ApiTokenView } from '../../../contracts/api-tokens.ts';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken } from '../db/api-tokens.ts';
import type { Sql } from '../db/sql.ts';
import { ApiError } from './errors.ts';
import { validate } from './validate.ts';

const TokenIdParam = z.object({ id: z.string().regex(/^tok_[A-Za-z0-9_-]{1,64}$/, 'a token id is tok_ followed by its id') });

export function apiTokenView(token: ApiToken): ApiTokenView {
  const iso = (date: Date | null) => (date === null ? null : date.toISOString());
  return { id: token.id, name: token.name, scopes: token.scopes, createdAt: token.createdAt.toISOString(), lastUsedAt: iso(token.lastUsedAt), revokedAt: iso(token.revokedAt) };
}

/** `/v1/api-tokens` (scope `admin`): create (the secret is shown once), list, revoke. */
export function apiTokenRoutes(deps: { sql: Sql; log: Logger }): Hono {
  const app = new Hono();

  app.post('/', validate('json', CreateApiTokenRequest), async (c) => {
    const { name, scopes } = c.req.valid('json');
    const { token, apiToken } = await createApiToken(deps.sql, name, scopes);
    deps.log.info({ event: 'api_token_created', tokenId: apiToken.id, scopes }, 'API token created');
    return c.json({ token, apiToken: apiTokenView(apiToken), note: 'the token is shown once: store it now' }, 201);
  });

  app.get('/', async (c) => c.json({ tokens: (await listApiTokens(deps.sql)).map(apiTokenView) }));

  app.delete('/:id', validate('param', TokenIdParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await revokeApiToken(deps.sql, id))) throw new ApiError(404, `no live API token ${id} (already revoked, or never existed): \`vora tokens ls\` lists them`);
    deps.log.info({ event: 'api_token_revoked', tokenId: id }, 'API token revoked');
    return c.json({ id, revoked: true });
  });

  return app;
}
