import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { requireInternalSecret } from '../http/internal-auth.ts';
import { jsonBody } from '../http/json-body.ts';
import { checkPublicJwks, unimportableKey } from './public-jwks.ts';
import { readPlaybackKeys, readPlaybackKeysMetadata, writePlaybackKeys } from './store.ts';

/** `/internal/keys`: the public playback keys (KV `jwks`), replaced whole by the origin whenever its keys change. */
export const keyRoutes = new Hono<EdgeApp>();

keyRoutes.use('*', requireInternalSecret());

keyRoutes.put(
  '/',
  bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new EdgeError(413, 'too_large', 'a key set is limited to 64 KiB');
    },
  }),
  // Checked by checkPublicJwks rather than a schema at the door, so a private key gets its own message.
  jsonBody(z.unknown()),
  async (c) => {
    const check = checkPublicJwks(c.req.valid('json'));
    if (!check.ok) throw new EdgeError(400, 'invalid_jwks', check.reason);
    const unimportable = await unimportableKey(check.jwks);
    if (unimportable) throw new EdgeError(400, 'invalid_jwks', unimportable);
    const stored = await writePlaybackKeys(c.env.KEYS, check.jwks, Date.now());
    console.log(JSON.stringify({ event: 'edge.keys_replaced', kids: stored.kids }));
    return c.json(stored);
  },
);

keyRoutes.get('/', async (c) => {
  const [stored, metadata] = await Promise.all([readPlaybackKeys(c.env.KEYS), readPlaybackKeysMetadata(c.env.KEYS)]);
  const keys = stored.ok ? stored.jwks.keys.map(({ kid, kty, alg }) => ({ kid, kty, alg })) : [];
  const problem = stored.ok ? {} : { problem: { code: stored.code, message: stored.reason } };
  return c.json({ keys, updatedAt: metadata?.updatedAt ?? null, ...problem }, 200, { 'Cache-Control': 'no-store' });
});
