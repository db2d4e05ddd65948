import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ConfigPutAccepted, ConfigPutGap, configKvKey } from '../../contracts/channel-config.ts';
import { internalFetch } from './helpers.ts';
import { buildChain, putConfig, replace, uniqueChannel } from './config-fixtures.ts';

const stored = async (root: string) => JSON.parse((await env.CONFIG.get(configKvKey(root))) ?? 'null') as { hash: string; height: number; config: { chat: { slowModeSeconds: number } } } | null;

describe('PUT /internal/config/:rootHash', () => {
  it('applies updates in order, each on the hash the edge holds, and stores the state it computed', async () => {
    const chain = await buildChain(uniqueChannel('order'), [replace('/chat/slowModeSeconds', 5), replace('/chat/slowModeSeconds', 10), replace('/playback/maxResolution', 720)]);
    for (const [i, message] of chain.messages.entries()) {
      const response = await putConfig(chain.root, message);
      expect(response.status).toBe(200);
      const answer = await response.json();
      expect(ConfigPutAccepted.safeParse(answer).error).toBeUndefined(); // the shape the origin's writer parses
      expect(answer).toMatchObject({ outcome: 'applied', hash: chain.states[i + 1]!.hash, height: i + 1, updates: 1 });
    }
    expect(await stored(chain.root)).toEqual(chain.states[3]);
    const got = await internalFetch(`/internal/config/${chain.root}`, 'GET');
    expect(await got.json()).toEqual(chain.states[3]);
  });

  it('answers 409 gap for an update on a hash it does not hold, and stores nothing', async () => {
    const chain = await buildChain(uniqueChannel('gap'), [replace('/chat/slowModeSeconds', 5), replace('/chat/slowModeSeconds', 10)]);
    const response = await putConfig(chain.root, chain.messages[1]);
    expect(response.status).toBe(409);
    const answer = await response.json();
    expect(ConfigPutGap.safeParse(answer).error).toBeUndefined();
    expect(answer).toMatchObject({ reason: 'gap', held: chain.root, base: chain.states[1]!.hash, error: { code: 'gap' } });
    expect(await stored(chain.root)).toBeNull();
    expect((await internalFetch(`/internal/config/${chain.root}`, 'GET')).status).toBe(404);
    // The reload answer (the run from the root) heals it through the same route.
    const healed = await putConfig(chain.root, chain.runFromRoot(2));
    expect(await healed.json()).toMatchObject({ outcome: 'applied', hash: chain.states[2]!.hash, updates: 2 });
    expect(await stored(chain.root)).toEqual(chain.states[2]);
  });

  it('answers 200 unchanged to a redelivery or an old answer, keeping the newer state', async () => {
    const chain = await buildChain(uniqueChannel('stale'), [replace('/chat/slowModeSeconds', 5), replace('/chat/slowModeSeconds', 10)]);
    for (const message of chain.messages) expect((await putConfig(chain.root, message)).status).toBe(200);
    for (const old of [chain.messages[1], chain.messages[0], chain.runFromRoot(1)]) {
      const response = await putConfig(chain.root, old);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ outcome: 'unchanged', hash: chain.states[2]!.hash, height: 2 });
    }
    expect(await stored(chain.root)).toEqual(chain.states[2]);
  });

  it('answers 422 naming the path for a patch that gives an invalid configuration or a hash that does not match', async () => {
    const chain = await buildChain(uniqueChannel('invalid'), [replace('/chat/slowModeSeconds', 5)]);
    const badValue = { ...chain.messages[0]!, patch: replace('/chat/slowModeSeconds', -1) };
    const response = await putConfig(chain.root, badValue);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ reason: 'invalid', path: '/chat/slowModeSeconds', error: { code: 'invalid_update' } });
    const forgedHash = { ...chain.messages[0]!, hash: 'f'.repeat(64) };
    expect((await putConfig(chain.root, forgedHash)).status).toBe(422);
    expect(await stored(chain.root)).toBeNull();
  });

  it('refuses a missing or wrong bearer secret with 401, and bodies that are not update messages with 400', async () => {
    const chain = await buildChain(uniqueChannel('auth'), [replace('/chat/slowModeSeconds', 5)]);
    expect((await putConfig(chain.root, chain.messages[0], undefined, null)).status).toBe(401);
    expect((await putConfig(chain.root, chain.messages[0], undefined, 'wrong')).status).toBe(401);
    expect((await internalFetch(`/internal/config/${chain.root}`, 'GET', undefined, null)).status).toBe(401);
    expect((await putConfig(chain.root, { ...chain.messages[0], extra: 1 })).status).toBe(400);
    expect((await putConfig('a'.repeat(64), chain.messages[0])).status).toBe(400);
    expect((await putConfig('not-a-hash', chain.messages[0])).status).toBe(400);
    expect(await stored(chain.root)).toBeNull();
  });

  it('refuses a ?channel= whose root hash is not the one in the path (it cannot be forged)', async () => {
    const chain = await buildChain(uniqueChannel('forged'), [replace('/chat/maxLength', 10)]);
    const response = await putConfig(chain.root, chain.messages[0], 'someone-else');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('channel_mismatch');
    expect((await putConfig(chain.root, chain.messages[0], 'bad channel!')).status).toBe(400);
    expect(await stored(chain.root)).toBeNull();
  });

  it('treats an unreadable KV value as the root: only a run from the root replaces it', async () => {
    const chain = await buildChain(uniqueChannel('corrupt'), [replace('/chat/slowModeSeconds', 5), replace('/chat/slowModeSeconds', 6)]);
    await env.CONFIG.put(configKvKey(chain.root), '{"not":"a state"}');
    expect((await internalFetch(`/internal/config/${chain.root}`, 'GET')).status).toBe(500);
    expect((await putConfig(chain.root, chain.messages[1])).status).toBe(409);
    expect((await putConfig(chain.root, chain.runFromRoot(2))).status).toBe(200);
    expect(await stored(chain.root)).toEqual(chain.states[2]);
  });
});
