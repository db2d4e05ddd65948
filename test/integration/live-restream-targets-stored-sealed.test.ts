/**
 * Restream targets on a real PGlite with the origin's real routes: keys sealed under the target id, shown masked,
 * opened only on the internal route; rows from before sealing (keys in clear in live_inputs.restream_targets) moved by
 * migration 75 and sealed at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPglite } from '../../origin/src/db/index.ts';
import { schemaMigrations } from '../../origin/src/db/migrations.ts';
import { sealedSecrets } from '../../origin/src/db/sealed-secrets.ts';
import { openRestreamTarget, sealClearRestreamKeys } from '../../origin/src/live/restream-target-rows.ts';
import type { NewWebhookEvent } from '../../origin/src/outgoing-webhooks/event-store.ts';
import { startLiveOrigin, type LiveOrigin } from './support/live-origin.ts';

const ingestSecret = 'restream-tests-ingest-secret';
const targetKey = 'live_2468_restream_key_XYZW';
type Json = Record<string, any>;

describe('restream targets are stored sealed', () => {
  let origin: LiveOrigin;
  const emitted: NewWebhookEvent[] = [];
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${origin.url}${path}`, { method: init.method ?? 'GET', headers: { 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: response.status, body: response.status === 204 ? null : ((await response.json()) as Json) };
  };

  beforeAll(async () => {
    origin = await startLiveOrigin({ ingestSecret, rtmpUrl: 'rtmp://127.0.0.1:1935/live', restreamEvents: { emit: async (event) => void emitted.push(event) } });
  });
  afterAll(async () => {
    await origin?.close();
  });

  it('takes a key once, shows it masked, and opens it only for the internal route', async () => {
    const created = await api('/v1/live-inputs', { method: 'POST', body: { title: 'Simulcast', restreamTargets: [{ url: 'rtmp://a.test/app', streamKey: targetKey }, { url: 'rtmp://b.test/app', streamKey: 'short' }] } });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(targetKey);
    const [first, second] = created.body!.restreamTargets;
    expect(first).toMatchObject({ url: 'rtmp://a.test/app', streamKeyMasked: '****XYZW', status: 'idle', lastError: null });
    expect(second).toMatchObject({ url: 'rtmp://b.test/app', streamKeyMasked: '****' });

    const read = await api(`/v1/live-inputs/${created.body!.id}`);
    expect(JSON.stringify(read.body)).not.toContain(targetKey);
    const { rows } = await origin.sql.query<{ stream_key_sealed: string }>('SELECT stream_key_sealed FROM live_restream_targets WHERE id = $1', [first.id]);
    expect(rows[0]!.stream_key_sealed).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
    expect(JSON.stringify(rows)).not.toContain(targetKey);

    expect((await fetch(`${origin.url}/internal/live/restream-targets/${first.id}`)).status).toBe(401);
    const opened = await api(`/internal/live/restream-targets/${first.id}?s=${ingestSecret}`);
    expect(opened.body).toEqual({ id: first.id, liveInputId: created.body!.id, url: 'rtmp://a.test/app', streamKey: targetKey });

    const report = await api(`/internal/live/restream-targets/${second.id}/status?s=${ingestSecret}`, { method: 'PUT', body: { status: 'failed', lastError: 'target refused: Connection refused' } });
    expect(report.status).toBe(204);
    expect((await api(`/v1/live-inputs/${created.body!.id}`)).body!.restreamTargets[1]).toMatchObject({ status: 'failed', lastError: 'target refused: Connection refused' });
    expect((await api(`/internal/live/restream-targets/${second.id}/status?s=${ingestSecret}`, { method: 'PUT', body: { status: 'streaming', lastError: null } })).status).toBe(400);

    // A webhook per change an operator acts on: the same failure reported again by a retry sends nothing new.
    expect(emitted.map((event) => [event.type, event.resourceId, event.data.liveInputId, event.data.lastError])).toEqual([['live_input.restream.failed', second.id, created.body!.id, 'target refused: Connection refused']]);
    await api(`/internal/live/restream-targets/${second.id}/status?s=${ingestSecret}`, { method: 'PUT', body: { status: 'failed', lastError: 'target refused: Connection refused' } });
    await api(`/internal/live/restream-targets/${second.id}/status?s=${ingestSecret}`, { method: 'PUT', body: { status: 'connecting', lastError: null } });
    await api(`/internal/live/restream-targets/${second.id}/status?s=${ingestSecret}`, { method: 'PUT', body: { status: 'live', lastError: null } });
    expect(emitted.map((event) => event.type)).toEqual(['live_input.restream.failed', 'live_input.restream.live']);
    expect(JSON.stringify(emitted)).not.toContain('short');

    expect((await api(`/v1/live-inputs/${created.body!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/internal/live/restream-targets/${first.id}?s=${ingestSecret}`)).status).toBe(404);
  });

  it('adds a target to an existing input (sealed, after the others) and removes one, leaving the rest', async () => {
    const created = await api('/v1/live-inputs', { method: 'POST', body: { title: 'Later', restreamTargets: [{ url: 'rtmp://a.test/app', streamKey: 'first-key-0001' }] } });
    const id = created.body!.id as string;
    const added = await api(`/v1/live-inputs/${id}/restream-targets`, { method: 'POST', body: { url: 'rtmps://b.test/app', streamKey: targetKey } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ url: 'rtmps://b.test/app', streamKeyMasked: '****XYZW', status: 'idle', lastError: null });
    expect(JSON.stringify(added.body)).not.toContain(targetKey);
    expect((await api(`/internal/live/restream-targets/${added.body!.id}?s=${ingestSecret}`)).body!.streamKey).toBe(targetKey);
    const listed = (await api(`/v1/live-inputs/${id}`)).body!.restreamTargets as Json[];
    expect(listed.map((target) => target.url)).toEqual(['rtmp://a.test/app', 'rtmps://b.test/app']);

    const refused = await api(`/v1/live-inputs/${id}/restream-targets`, { method: 'POST', body: { url: 'http://c.test/app', streamKey: 'k' } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('rtmp:// or rtmps://');
    expect((await api('/v1/live-inputs/live_nothere/restream-targets', { method: 'POST', body: { url: 'rtmp://c.test/app', streamKey: 'k' } })).status).toBe(404);

    expect((await api(`/v1/live-inputs/${id}/restream-targets/${listed[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/live-inputs/${id}/restream-targets/${listed[0]!.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(((await api(`/v1/live-inputs/${id}`)).body!.restreamTargets as Json[]).map((target) => target.id)).toEqual([added.body!.id]);
    expect((await api(`/internal/live/restream-targets/${listed[0]!.id}?s=${ingestSecret}`)).status).toBe(404);
    // Another input's target is not this input's to remove.
    const other = await api('/v1/live-inputs', { method: 'POST', body: { title: 'Other' } });
    expect((await api(`/v1/live-inputs/${other.body!.id}/restream-targets/${added.body!.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a target past the 50th, naming the fix', async () => {
    const targets = Array.from({ length: 50 }, (_, index) => ({ url: `rtmp://t${index}.test/app`, streamKey: `key-${index}` }));
    const created = await api('/v1/live-inputs', { method: 'POST', body: { title: 'Full', restreamTargets: targets } });
    expect(created.status).toBe(201);
    const refused = await api(`/v1/live-inputs/${created.body!.id}/restream-targets`, { method: 'POST', body: { url: 'rtmp://one-more.test/app', streamKey: 'k' } });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toMatch(/already has 50 restream targets: remove one first/);
  });
});

describe('restream keys stored in clear before sealing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vora-restream-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('move to their own rows with migration 75 and are sealed at start, once', async () => {
    const sql = await openPglite(join(dir, 'db'));
    try {
      await migrate(sql, schemaMigrations.filter((migration) => migration.version < 75));
      await sql.query(
        `INSERT INTO live_inputs (id, title, stream_key_hash, reconnect_window_seconds, recording, restream_targets) VALUES ('live_old', 'Old', $1, 60, true, $2::jsonb)`,
        ['a'.repeat(64), JSON.stringify([{ url: 'rtmp://one.test/app', streamKey: targetKey }, { url: 'rtmp://two.test/app', streamKey: 'second-key-1234' }])],
      );
      expect(await migrate(sql)).toContain(75);
      const { rows: moved } = await sql.query<{ id: string; url: string; stream_key_sealed: string }>('SELECT id, url, stream_key_sealed FROM live_restream_targets ORDER BY position');
      expect(moved.map((row) => [row.url, row.stream_key_sealed])).toEqual([['rtmp://one.test/app', targetKey], ['rtmp://two.test/app', 'second-key-1234']]);

      const sealed = sealedSecrets(randomBytes(32).toString('base64'));
      expect(await sealClearRestreamKeys(sql, sealed)).toBe(2);
      expect(await sealClearRestreamKeys(sql, sealed)).toBe(0);
      const { rows: after } = await sql.query<{ stream_key_sealed: string; stream_key_masked: string }>('SELECT stream_key_sealed, stream_key_masked FROM live_restream_targets ORDER BY position');
      expect(after.map((row) => row.stream_key_masked)).toEqual(['****XYZW', '****1234']);
      expect(JSON.stringify(after)).not.toContain(targetKey);
      expect((await openRestreamTarget(sql, sealed, moved[0]!.id))!.streamKey).toBe(targetKey);
      // A sealed key copied onto another target does not open there.
      await sql.query('UPDATE live_restream_targets SET stream_key_sealed = $1 WHERE id = $2', [after[0]!.stream_key_sealed, moved[1]!.id]);
      await expect(openRestreamTarget(sql, sealed, moved[1]!.id)).rejects.toThrow(/does not open/);
    } finally {
      await sql.close();
    }
  });
});
