/**
 * Rotating `VORA_SECRETS_KEY` on a real PGlite DB: webhook endpoint secrets (current and rotated-out), SRT
 * passphrases and relay keys, restream keys — sealed under the old key, some as v1 text from before key ids — are
 * re-sealed under the new key at start with the old one given as `VORA_SECRETS_KEY_PREVIOUS`; then the new key alone
 * opens them all and a real delivery (Temporal worker) signs so that the receiver's `standardwebhooks` verifies it.
 * A secret whose key is not given stops the start with the key named, and is left as it was.
 */
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsRotation, SecretsStatus } from '../../contracts/secrets.ts';
import { openDatabase, type Sql } from '../../origin/src/db/index.ts';
import { sealedSecrets, secretsKeyId } from '../../origin/src/db/sealed-secrets.ts';
import { createLiveInput } from '../../origin/src/live/live-input-rows.ts';
import { insertRestreamTargets, openRestreamTarget, restreamTargetIds } from '../../origin/src/live/restream-target-rows.ts';
import { issueSrtCredentials, listSrtRelays } from '../../origin/src/live/srt-input-rows.ts';
import { listWebhookDeliveries } from '../../origin/src/outgoing-webhooks/delivery-store.ts';
import { createWebhookDispatcher } from '../../origin/src/outgoing-webhooks/dispatcher.ts';
import { createWebhookEndpoint, getWebhookEndpoint, openSigningSecrets, rotateWebhookSecret, secretOwner } from '../../origin/src/outgoing-webhooks/endpoint-store.ts';
import { createWebhookEventEmitter } from '../../origin/src/outgoing-webhooks/event-emitter.ts';
import { resealStoredSecretsAtStart, StoredSecretsNeedMissingKey } from '../../origin/src/secrets/rotate-at-start.ts';
import { secretsRoutes } from '../../origin/src/secrets/routes.ts';
import { stackContext } from '../../stack/component.ts';
import { temporalComponent } from '../../stack/components/temporal.ts';
import { StackRunner } from '../../stack/runner.ts';
import { freePort, testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startLocalWebhookWorker, WebhookReceiver } from './support/webhook-receiver.ts';

const log = pino({ level: process.env.VORA_TEST_LOG ?? 'warn' });
const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');
const strayKey = randomBytes(32).toString('base64');
const dataDir = mkdtempSync(join(tmpdir(), 'vora-secrets-rotation-'));
const ctx = stackContext(await testPorts(import.meta.url), fakeSecrets(), dataDir);
const stack = new StackRunner([temporalComponent(ctx)], ctx.logDir);

let sql: Sql;
let temporal: Client;
let receiver: WebhookReceiver;

/** `sealed:v1:` text as origins before key ids wrote it. */
function sealedV1(keyText: string, plain: string, belongsTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyText, 'base64'), iv).setAAD(Buffer.from(belongsTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `sealed:v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** Every sealed value of the DB with the key id it names (null: v1). */
async function sealedValues(): Promise<Array<string | null>> {
  const { rows } = await sql.query<{ value: string }>(
    `SELECT secret AS value FROM webhook_endpoints UNION ALL SELECT previous_secret FROM webhook_endpoints WHERE previous_secret IS NOT NULL
     UNION ALL SELECT srt_passphrase_sealed FROM live_inputs WHERE srt_passphrase_sealed IS NOT NULL
     UNION ALL SELECT srt_relay_key_sealed FROM live_inputs WHERE srt_relay_key_sealed IS NOT NULL
     UNION ALL SELECT stream_key_sealed FROM live_restream_targets`,
  );
  return rows.map((row) => (row.value.startsWith('sealed:v2:') ? row.value.split(':')[2]! : null));
}

beforeAll(async () => {
  await stack.start();
  temporal = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${ctx.ports.temporal}` }) });
  sql = await openDatabase({ pgliteDir: join(dataDir, 'db') });
  receiver = new WebhookReceiver(await freePort());
  await receiver.listen();
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await temporal?.connection.close().catch(() => {});
  await sql?.close();
  await stack.stop(10_000);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('VORA_SECRETS_KEY rotation on a real DB', () => {
  it('re-seals every stored secret under the new key at start, and a delivery still verifies with the secret shown', async () => {
    const old = sealedSecrets(oldKey);
    // Under the old key: an endpoint whose secret was rotated (both sign: 2 values), one stored as v1 text, an SRT input (2), a restream target.
    const endpoint = await createWebhookEndpoint(sql, old, { url: `http://127.0.0.1:${receiver.port}/rotated`, events: ['*'], description: 'rotated' });
    const shown = (await rotateWebhookSecret(sql, old, endpoint.id))!;
    receiver.secrets.set('/rotated', shown.secret);
    const legacy = await createWebhookEndpoint(sql, old, { url: `http://127.0.0.1:${receiver.port}/legacy`, events: ['*'], description: 'legacy' });
    await sql.query('UPDATE webhook_endpoints SET secret = $2 WHERE id = $1', [legacy.id, sealedV1(oldKey, legacy.secret, secretOwner(legacy.id))]);
    receiver.secrets.set('/legacy', legacy.secret);
    const { liveInput } = await createLiveInput(sql, { title: 'Rotated keys', reconnectWindowSeconds: 60, recording: true });
    const srt = (await issueSrtCredentials({ sql, sealed: old, ports: { first: 40_000, last: 40_010 } }, liveInput.id))!;
    await insertRestreamTargets(sql, old, liveInput.id, [{ url: 'rtmp://restream.test/app', streamKey: 'restream-key-7788' }]);
    const [targetId] = await restreamTargetIds(sql, liveInput.id);
    const oldId = old.keyId;
    expect((await sealedValues()).sort()).toEqual([null, ...Array(5).fill(oldId)].sort());

    // The origin restarted with the new key and the old one as previous.
    const rotated = sealedSecrets(newKey, oldKey);
    const lines: Array<{ event: string; table?: string; resealed?: number }> = [];
    const startLog = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const report = await resealStoredSecretsAtStart(sql, rotated, startLog);
    expect(report).toMatchObject({ keyId: rotated.keyId, resealed: 6, failures: [] });
    expect(report.columns.map((column) => [column.table, column.column, column.resealed])).toEqual([
      ['webhook_endpoints', 'secret', 2],
      ['webhook_endpoints', 'previous_secret', 1],
      ['live_inputs', 'srt_passphrase_sealed', 1],
      ['live_inputs', 'srt_relay_key_sealed', 1],
      ['live_restream_targets', 'stream_key_sealed', 1],
    ]);
    // Progress per batch, then the count.
    expect(lines.filter((line) => line.event === 'stored_secrets_resealing').map((line) => [line.table, line.resealed])).toContainEqual(['live_restream_targets', 1]);
    expect(lines.find((line) => line.event === 'stored_secrets_resealed')).toMatchObject({ resealed: 6 });
    expect(new Set(await sealedValues())).toEqual(new Set([rotated.keyId]));
    expect((await resealStoredSecretsAtStart(sql, rotated, log)).resealed).toBe(0);

    // VORA_SECRETS_KEY_PREVIOUS removed: the new key alone opens everything, to the same secrets.
    const newOnly = sealedSecrets(newKey);
    expect(openSigningSecrets((await getWebhookEndpoint(sql, endpoint.id))!, newOnly)).toMatchObject({ secret: shown.secret, previousSecret: endpoint.secret });
    expect(openSigningSecrets((await getWebhookEndpoint(sql, legacy.id))!, newOnly).secret).toBe(legacy.secret);
    expect((await listSrtRelays({ sql, sealed: newOnly })).find((relay) => relay.liveInputId === liveInput.id)).toMatchObject({ passphrase: srt.passphrase });
    expect((await openRestreamTarget(sql, newOnly, targetId!))?.streamKey).toBe('restream-key-7788');

    // A real delivery with the new key alone: both endpoints' receivers verify it with the secret they were shown.
    const dispatcher = createWebhookDispatcher({ sql, temporal, scheduleSeconds: [0, 1, 1], log });
    const worker = await startLocalWebhookWorker({ sql, sealedSecrets: newOnly, temporalPort: ctx.ports.temporal, log });
    try {
      const events = createWebhookEventEmitter({ sql, dispatcher, log });
      const eventId = `evt_rotation_${randomUUID()}`;
      await events.record({ id: eventId, type: 'webhook.test', occurredAt: new Date(), data: { id: 'rotation' }, resourceId: null });
      await waitFor(async () => (await Promise.all([endpoint.id, legacy.id].map((id) => listWebhookDeliveries(sql, id, { limit: 5 })))).every((list) => list[0]?.status === 'delivered') || undefined, {
        what: 'both deliveries delivered',
        timeoutMs: 60_000,
      });
      for (const path of ['/rotated', '/legacy']) {
        expect(receiver.at(path).map((each) => [each.id, each.verified, each.status])).toEqual([[eventId, true, 200]]);
      }
      await events.settled();
    } finally {
      await worker.stop();
    }
  });

  it('refuses to start when a secret needs a key it was not given, naming it, and changes nothing; the API reports the same', async () => {
    const stray = sealedSecrets(strayKey);
    const lost = await createWebhookEndpoint(sql, stray, { url: `http://127.0.0.1:${receiver.port}/stray`, events: ['*'], description: 'stray' });
    const before = (await getWebhookEndpoint(sql, lost.id))!.sealedSecret;

    const newOnly = sealedSecrets(newKey);
    const start = resealStoredSecretsAtStart(sql, newOnly, log);
    await expect(start).rejects.toThrow(StoredSecretsNeedMissingKey);
    await expect(resealStoredSecretsAtStart(sql, newOnly, log)).rejects.toThrow(
      new RegExp(`webhook_endpoints\\.secret of ${lost.id}.*sealed under key ${secretsKeyId(Buffer.from(strayKey, 'base64'))}.*VORA_SECRETS_KEY_PREVIOUS`),
    );
    expect((await getWebhookEndpoint(sql, lost.id))!.sealedSecret).toBe(before);

    // `vora secrets status` / `rotate` through the routes: the same value named, nothing rewritten.
    const routes = secretsRoutes({ sql, sealedSecrets: newOnly });
    const status = SecretsStatus.parse(await (await routes.request('/')).json());
    expect(status).toEqual({ keyId: newOnly.keyId, underOtherKeys: 1 });
    const rotation = SecretsRotation.parse(await (await routes.request('/reseal', { method: 'POST' })).json());
    expect(rotation).toMatchObject({ resealed: 0, underOtherKeys: 1, failures: [{ table: 'webhook_endpoints', column: 'secret', id: lost.id, cause: 'key_missing' }] });

    // Given the stray key as a previous one, the start re-seals it and the API says the rotation is complete.
    const withStray = sealedSecrets(newKey, `${oldKey},${strayKey}`);
    expect((await resealStoredSecretsAtStart(sql, withStray, log)).resealed).toBe(1);
    expect(openSigningSecrets((await getWebhookEndpoint(sql, lost.id))!, newOnly).secret).toBe(lost.secret);
    expect(SecretsStatus.parse(await (await routes.request('/')).json()).underOtherKeys).toBe(0);
  });
});
