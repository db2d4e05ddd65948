/**
 * The live ingest as `npm start` runs it (nginx-rtmp from ingest/render-config.ts, started by the stack's
 * runner) in front of the origin's live routes on PGlite. FFmpeg publishes a test pattern: the right key is
 * let through renamed to the input id; a wrong, a rotated-out key and a second publisher are refused with the
 * reason logged; the publisher leaving frees the input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext } from '../../stack/component.ts';
import { ingestComponent } from '../../stack/components/ingest.ts';
import { StackRunner } from '../../stack/runner.ts';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { waitFor } from '../support/wait.ts';
import { startLiveOrigin, type LiveOrigin } from './support/live-origin.ts';
import { probeRtmp, publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';

const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
const rtmpBase = `rtmp://127.0.0.1:${ports.ingestRtmp}/live`;
const dataDir = mkdtempSync(join(tmpdir(), 'vora-live-ingest-'));
let origin: LiveOrigin;
let runner: StackRunner;
let api: OperatorApi;
const publishers: Publisher[] = [];

beforeAll(async () => {
  origin = await startLiveOrigin({ ingestSecret: secrets.internalSecret, rtmpUrl: rtmpBase });
  api = operatorApi(origin.url, 'unused');
  // nginx re-asks about publishers every 2 s here (10 s in the stack), so a deleted input's publisher is cut quickly.
  runner = new StackRunner([ingestComponent(stackContext(ports, secrets, dataDir), { originUrl: origin.url, updateSeconds: 2 })], join(dataDir, 'logs'));
  await runner.start();
});

afterAll(async () => {
  await Promise.all(publishers.map((publisher) => publisher.stop()));
  await runner?.stop(5_000);
  await origin?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function publish(url: string, seconds = 30): Publisher {
  const publisher = publishTestSource(url, { seconds });
  publishers.push(publisher);
  return publisher;
}

async function createInput(title: string): Promise<Json> {
  const { status, body } = await api('/v1/live-inputs', { method: 'POST', body: { title } });
  expect(status).toBe(201);
  return body;
}

const refusals = (liveInputId?: string) => origin.logs.filter((line) => line.event === 'live_publish_refused' && (liveInputId === undefined || line.liveInputId === liveInputId));

describe('live inputs API', () => {
  it('shows the key once, stores only its hash, and validates the body', async () => {
    const input = await createInput('stream one');
    expect(input).toMatchObject({ status: 'idle', reconnectWindowSeconds: 60, recording: 'on', latency: 'standard', broadcasts: 0, ingest: { rtmpUrl: rtmpBase }, playback: null });
    expect(input.streamKey).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    expect(input.publishUrl).toBe(`${rtmpBase}/${input.streamKey}`);
    const { body: read } = await api(`/v1/live-inputs/${input.id}`);
    expect(read.streamKey).toBeUndefined();
    const { rows } = await origin.sql.query('SELECT * FROM live_inputs WHERE id = $1', [input.id]);
    expect(JSON.stringify(rows)).not.toContain(input.streamKey);
    expect((await api('/v1/live-inputs')).body.liveInputs.map((item: Json) => item.id)).toContain(input.id);

    expect((await api('/v1/live-inputs', { method: 'POST', body: { title: 'x', reconnectWindowSeconds: 1801 } })).status).toBe(400);
    expect((await api('/v1/live-inputs', { method: 'POST', body: { title: 'x', restreamTargets: [{ url: 'http://nope', streamKey: 'k' }] } })).status).toBe(400);
    expect((await api('/v1/live-inputs/live_missing')).status).toBe(404);

    const low = await api('/v1/live-inputs', { method: 'POST', body: { title: 'low', latency: 'low' } });
    expect(low.body.latency).toBe('low');
    expect((await api(`/v1/live-inputs/${low.body.id}`)).body.latency).toBe('low');
    const wrong = await api('/v1/live-inputs', { method: 'POST', body: { title: 'x', latency: 'ultra' } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('latency');
  });

  it('refuses the hooks without the ingest secret', async () => {
    const form = new URLSearchParams({ app: 'live', name: 'lk_x', clientid: '1', addr: '127.0.0.1' });
    expect((await fetch(`${origin.url}/internal/live/on-publish`, { method: 'POST', body: form })).status).toBe(401);
    expect((await fetch(`${origin.url}/internal/live/on-publish?s=wrong-secret-wrong-secret`, { method: 'POST', body: form })).status).toBe(401);
  });
});

describe('publish authorization through nginx-rtmp', () => {
  it('lets the right key through renamed to the input id, refuses a second publisher, waits for it to come back when it leaves', async () => {
    const input = await createInput('authorized');
    const first = publish(`${rtmpBase}/${input.streamKey}`);
    const live = await waitFor(async () => {
      const { body } = await api(`/v1/live-inputs/${input.id}`);
      return body.status === 'live' ? body : undefined;
    }, { what: 'the publish to be authorized', timeoutMs: 15_000 });
    expect(live).toMatchObject({ broadcasts: 1, playback: { tokenUrl: `${origin.url}/v1/live-inputs/${input.id}/token` } });
    // The stream is readable under the input id: the key appears in no path.
    expect(await probeRtmp(`${rtmpBase}/${input.id}`)).toEqual(expect.arrayContaining(['video', 'audio']));

    const second = publish(`${rtmpBase}/${input.streamKey}`);
    const refused = await second.exited;
    expect(refused.code).not.toBe(0);
    expect(refusals(input.id).map((line) => line.refusal)).toEqual(['already_publishing']);
    expect(first.child.exitCode).toBeNull();

    await first.stop();
    const freed = await waitFor(async () => {
      const { body } = await api(`/v1/live-inputs/${input.id}`);
      // Nobody runs the broadcast's workflow here: the input waits out its reconnect window.
      return body.status === 'reconnecting' ? body : undefined;
    }, { what: 'the input to wait for its publisher', timeoutMs: 15_000 });
    expect(freed.broadcasts).toBe(1);
    expect(origin.logs.some((line) => line.event === 'live_publish_done' && line.liveInputId === input.id)).toBe(true);
  });

  it('refuses a wrong key and a rotated-out key before any media flows, logging why', async () => {
    const before = refusals().length;
    const wrong = publish(`${rtmpBase}/lk_${'A'.repeat(43)}`);
    const startedAt = Date.now();
    expect((await wrong.exited).code).not.toBe(0);
    console.log(`[live] wrong key refused, publisher exited after ${Date.now() - startedAt} ms`);

    const input = await createInput('rotated');
    const { status, body: rotated } = await api(`/v1/live-inputs/${input.id}/rotate-key`, { method: 'POST' });
    expect(status).toBe(200);
    expect(rotated.streamKey).not.toBe(input.streamKey);
    expect((await publish(`${rtmpBase}/${input.streamKey}`).exited).code).not.toBe(0);
    expect((await publish(`${rtmpBase}/not-a-key`).exited).code).not.toBe(0);

    expect(refusals().slice(before).map((line) => line.refusal)).toEqual(['unknown_key', 'unknown_key', 'malformed_key']);
    expect(JSON.stringify(origin.logs)).not.toContain(input.streamKey);
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'idle', broadcasts: 0 });
  });

  it('cuts the publisher of a deleted input and refuses its key afterwards', async () => {
    const input = await createInput('deleted');
    const live = publish(`${rtmpBase}/${input.streamKey}`);
    await waitFor(async () => ((await api(`/v1/live-inputs/${input.id}`)).body.status === 'live' ? true : undefined), { what: 'the publish to be authorized', timeoutMs: 15_000 });
    expect((await api(`/v1/live-inputs/${input.id}`, { method: 'DELETE' })).status).toBe(204);
    const cutAt = Date.now();
    expect((await live.exited).code).not.toBe(0);
    console.log(`[live] deleted input's publisher cut after ${Date.now() - cutAt} ms`);
    expect(origin.logs.some((line) => line.event === 'live_publisher_cut')).toBe(true);
    expect((await api(`/v1/live-inputs/${input.id}`)).status).toBe(404);
    expect((await publish(`${rtmpBase}/${input.streamKey}`).exited).code).not.toBe(0);
  });
});
