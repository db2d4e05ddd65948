import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { KeyId } from '../../../contracts/ids.ts';
import { TOKEN_ALGORITHMS } from '../../../contracts/token-signing.ts';
import type { SigningDeps } from './minting-key.ts';
import { createOperatorKey, deleteSigningKey, listSigningKeys } from './signing-keys.ts';

const CreateKeyBody = z.object({ alg: z.enum(TOKEN_ALGORITHMS).default('ES256') });
const KidParam = z.object({ kid: KeyId });

/** `/v1/keys`: signing keys for playback tokens, rotated by create + delete; the edge gets the public set. */
export function keyRoutes(deps: Pick<SigningDeps, 'sql' | 'sync'>): Hono {
  const app = new Hono();

  app.post('/', validate('json', CreateKeyBody), async (c) => {
    const { key, privateJwk } = await createOperatorKey(deps.sql, c.req.valid('json').alg);
    const synced = await deps.sync.push();
    return c.json({ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateJwk, edgeSynced: synced, note: 'the private key is shown once: store it now' }, 201);
  });

  app.get('/', async (c) => {
    const keys = await listSigningKeys(deps.sql);
    return c.json({ keys: keys.map(({ kid, alg, kind, createdAt }) => ({ kid, alg, kind, createdAt })) });
  });

  app.delete('/:kid', validate('param', KidParam), async (c) => {
    const deleted = await deleteSigningKey(deps.sql, c.req.valid('param').kid);
    if (!deleted) throw new ApiError(404, `no signing key ${c.req.valid('param').kid}`);
    const synced = await deps.sync.push();
    return c.json({ deleted: true, edgeSynced: synced });
  });

  return app;
}
