import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigUpdateMessage } from '../../../contracts/channel-config.ts';
import { applyUpdate, rootState } from '../../../channel-config/chain.ts';
import { rootHash } from '../../../channel-config/root.ts';
import { channelConfigRoutes } from '../../../origin/src/channel-config/routes.ts';
import { getChannelConfig, runFromRoot, updateChannelConfig } from '../../../origin/src/channel-config/store.ts';
import type { Sql } from '../../../origin/src/db/sql.ts';

const uniqueChannel = () => `cfg-${Math.random().toString(36).slice(2, 10)}`;
const slowMode = (seconds: number) => [{ op: 'replace' as const, path: '/chat/slowModeSeconds', value: seconds }];

/** One suite for the channel-configuration store on every database backend; `open` returns a migrated handle. */
export function describeConfigStoreContract(name: string, open: () => Promise<Sql>): void {
  describe(`channel configuration store: ${name}`, () => {
    let sql: Sql;
    const published: ConfigUpdateMessage[] = [];
    let app: Hono;
    beforeAll(async () => {
      sql = await open();
      app = new Hono().route('/v1/channels', channelConfigRoutes({ sql, log: pino({ level: 'silent' }), publisher: { publish: async (m) => (published.push(m), true) } }));
    }, 120_000);
    afterAll(() => sql?.close());

    const patchVia = (channel: string, body: unknown) =>
      app.request(`/v1/channels/${channel}/config`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const rowsOf = async (root: string) =>
      (await sql.query<{ hash: string }>('SELECT hash FROM channel_config_patches WHERE root_hash = $1', [root])).rows.map((row) => row.hash);

    it('serves the root state of a channel never updated, and keeps no rows for it', async () => {
      const channel = uniqueChannel();
      const response = await app.request(`/v1/channels/${channel}/config`);
      const body = await response.json();
      const root = await rootHash(channel);
      expect(body).toEqual({ hash: root, rootHash: root, config: rootState(root).config });
      expect(await runFromRoot(sql, root)).toMatchObject({ base: root, hash: root, height: 0, patch: [], steps: [] });
      expect(await rowsOf(root)).toEqual([]);
    });

    it('chains updates, publishes each one, and keeps only the latest hash with its run from the root', async () => {
      const channel = uniqueChannel();
      const root = await rootHash(channel);
      let base = root;
      const hashes: string[] = [];
      for (const seconds of [5, 10, 15]) {
        const response = await patchVia(channel, { base, patch: slowMode(seconds) });
        expect(response.status).toBe(200);
        base = ((await response.json()) as { hash: string }).hash;
        hashes.push(base);
      }
      expect(published.filter((m) => m.rootHash === root).map((m) => m.hash)).toEqual(hashes);
      expect(await rowsOf(root)).toEqual([base]);
      const state = await getChannelConfig(sql, channel);
      expect(state).toMatchObject({ hash: base, height: 3, config: { chat: { slowModeSeconds: 15 } } });

      const answer = await runFromRoot(sql, root);
      expect(answer).toMatchObject({ base: root, hash: base, height: 3, steps: [1, 1, 1] });
      const loaded = await applyUpdate(rootState(root), answer);
      expect(loaded.ok && loaded.state).toEqual(state);
    });

    it('answers 409 with the latest hash when base is stale, and changes nothing', async () => {
      const channel = uniqueChannel();
      const root = await rootHash(channel);
      const first = (await (await patchVia(channel, { base: root, patch: slowMode(1) })).json()) as { hash: string };
      const count = published.length;
      const response = await patchVia(channel, { base: root, patch: slowMode(2) });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: { code: 'conflict' }, hash: first.hash });
      expect(published.length).toBe(count);
      expect(await getChannelConfig(sql, channel)).toMatchObject({ hash: first.hash, config: { chat: { slowModeSeconds: 1 } } });
      expect(await rowsOf(root)).toEqual([first.hash]);
    });

    it('answers 422 naming the path of an invalid result, and 400 for a malformed body', async () => {
      const channel = uniqueChannel();
      const root = await rootHash(channel);
      const response = await patchVia(channel, { base: root, patch: [{ op: 'replace', path: '/chat/maxLength', value: 5000 }] });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid', message: expect.stringContaining('/chat/maxLength') }, path: '/chat/maxLength' });
      expect((await patchVia(channel, { base: 'nope', patch: slowMode(1) })).status).toBe(400);
      expect((await patchVia(channel, { base: root, patch: [] })).status).toBe(400);
      expect((await patchVia(channel, { base: root, patch: [{ op: 'frobnicate', path: '/chat' }] })).status).toBe(400);
      expect((await app.request('/v1/channels/bad%20id/config')).status).toBe(400);
      expect(await getChannelConfig(sql, channel)).toMatchObject({ hash: root, height: 0 });
      expect(await rowsOf(root)).toEqual([]);
    });

    it('lets exactly one of several concurrent writers on the same base win', async () => {
      for (const start of [0, 1]) {
        const channel = uniqueChannel();
        let base = await rootHash(channel);
        if (start === 1) {
          const first = await updateChannelConfig(sql, channel, { base, patch: slowMode(1) });
          base = first.ok ? first.state.hash : base;
        }
        const outcomes = await Promise.all([10, 20, 30, 40, 50].map((seconds) => updateChannelConfig(sql, channel, { base, patch: slowMode(seconds) })));
        const winners = outcomes.filter((outcome) => outcome.ok);
        expect(winners, `from height ${start}`).toHaveLength(1);
        const latest = await getChannelConfig(sql, channel);
        expect(winners[0]!.ok && winners[0]!.state).toEqual(latest);
        for (const outcome of outcomes) if (!outcome.ok) expect(outcome).toEqual({ ok: false, reason: 'conflict', latest: latest.hash });
        expect(await rowsOf(latest.rootHash)).toEqual([latest.hash]);
      }
    });
  });
}
