/**
 * SRT ingest on the real live stack: an input created with `srt: true` gets its own UDP port and passphrase (shown
 * once); the SRT relay (ingest/srt-relay.ts, started as `npm start` starts it) runs an FFmpeg SRT listener there that
 * relays into nginx-rtmp with the input's relay key, so on_publish authorizes it, the ladder on vora-live runs and the
 * gateway lists segments. A wrong passphrase is refused in the SRT handshake: no broadcast starts. The listener takes
 * a second session after the first publisher left (reconnect within the window: the same broadcast).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorApi, type Json, type OperatorApi } from '../support/operator-api.ts';
import { testPorts } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { startLiveStack, type LiveStack } from './support/live-stack.ts';

let stack: LiveStack;
let api: OperatorApi;
const publishers: Publisher[] = [];

beforeAll(async () => {
  stack = await startLiveStack(await testPorts(import.meta.url), { srt: true });
  api = operatorApi(stack.origin.url, 'unused');
}, 240_000);

afterAll(async () => {
  await Promise.all(publishers.map((publisher) => publisher.stop()));
  await stack?.stop();
}, 60_000);

const publish = (url: string, seconds: number) => {
  const publisher = publishTestSource(url, { seconds });
  publishers.push(publisher);
  return publisher;
};
const segmentUris = (playlist: string) => playlist.split('\n').filter((line) => line.startsWith('seg_'));
const relayLog = () => stack.origin.logs;
/** The relay logged this input's listener as started (its log file under the stack's log folder). */
const listenerUp = (liveInputId: string) =>
  waitFor(async () => {
    const lines = (await readFile(join(stack.ctx.logDir, 'ingest-srt.log'), 'utf8').catch(() => '')).split('\n');
    return lines.some((line) => line.includes('"srt_listening"') && line.includes(liveInputId)) ? true : undefined;
  }, { what: `the SRT listener of ${liveInputId}`, timeoutMs: 15_000 });

async function srtInput(title: string): Promise<Json> {
  const { status, body } = await api('/v1/live-inputs', { method: 'POST', body: { title, srt: true, reconnectWindowSeconds: 30 } });
  expect(status).toBe(201);
  return body;
}

describe('SRT ingest', () => {
  it('shows the SRT URL with its passphrase once, seals it at rest, and keeps RTMP-only inputs without one', async () => {
    const input = await srtInput('credentials');
    expect(input.srtPublishUrl).toMatch(/^srt:\/\/127\.0\.0\.1:\d+\?passphrase=[A-Za-z0-9_-]{32}&pbkeylen=16$/);
    expect(input.ingest.srtUrl).toBe(input.srtPublishUrl.split('?')[0]);
    const { body: read } = await api(`/v1/live-inputs/${input.id}`);
    expect(read.ingest.srtUrl).toBe(input.ingest.srtUrl);
    expect(read.srtPublishUrl).toBeUndefined();
    const { rows } = await stack.origin.sql.query('SELECT * FROM live_inputs WHERE id = $1', [input.id]);
    expect(JSON.stringify(rows)).not.toContain(input.srtPassphrase);

    const { body: rotated } = await api(`/v1/live-inputs/${input.id}/rotate-key`, { method: 'POST' });
    expect(rotated.ingest.srtUrl).toBe(input.ingest.srtUrl);
    expect(rotated.srtPassphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(rotated.srtPassphrase).not.toBe(input.srtPassphrase);

    const { body: plain } = await api('/v1/live-inputs', { method: 'POST', body: { title: 'rtmp only' } });
    expect(plain).toMatchObject({ srtPublishUrl: null, srtPassphrase: null, ingest: { srtUrl: null } });
    const other = await srtInput('second port');
    expect(other.ingest.srtUrl).not.toBe(input.ingest.srtUrl);
    expect((await api(`/v1/live-inputs/${other.id}/srt`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/live-inputs/${other.id}`)).body.ingest.srtUrl).toBeNull();
  });

  it('refuses a wrong passphrase in the handshake, with no broadcast', async () => {
    const input = await srtInput('wrong passphrase');
    const wrongUrl = input.srtPublishUrl.replace(/passphrase=[^&]+/, `passphrase=${'w'.repeat(32)}`);
    // The relay starts the listener within its poll interval: a refusal before that would be "nobody listens".
    await listenerUp(input.id);
    const startedAt = Date.now();
    const refused = await publish(wrongUrl, 10).exited;
    const refusedMs = Date.now() - startedAt;
    console.log(`[srt] wrong passphrase refused, publisher exited after ${refusedMs} ms: ${refused.stderr.trim().split('\n').at(-1)}`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Input\/output error|rejected|passphrase/i);
    expect(refusedMs).toBeLessThan(3_000);
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'idle', broadcasts: 0 });
  });

  it('goes live over SRT: authorized through on_publish, the ladder lists segments; a second session continues the broadcast', async () => {
    const input = await srtInput('srt live');
    await listenerUp(input.id);
    const publishedAt = Date.now();
    const first = publish(input.srtPublishUrl, 14);
    const media = `${stack.origin.url}/media/live/${input.id}`;
    const playlist = await waitFor(async () => {
      const response = await fetch(`${media}/b1/360p/playlist.m3u8`);
      const body = response.status === 200 ? await response.text() : '';
      return segmentUris(body).length >= 1 ? body : undefined;
    }, { what: 'a live playlist with a segment', timeoutMs: 40_000 });
    console.log(`[srt] SRT publish → first segment listed in ${Date.now() - publishedAt} ms`);
    expect((await fetch(`${media}/b1/360p/${segmentUris(playlist)[0]}`)).status).toBe(200);
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'live', broadcasts: 1 });
    expect(stack.origin.logs.some((line) => line.event === 'live_publish_authorized' && line.liveInputId === input.id)).toBe(true);

    expect((await first.exited).code).toBe(0);
    await waitFor(async () => ((await api(`/v1/live-inputs/${input.id}`)).body.status === 'reconnecting' ? true : undefined), { what: 'the input to wait for its publisher', timeoutMs: 20_000 });
    // The relay listens again after the session: the same URL continues broadcast 1 within the window.
    await waitFor(async () => {
      const publisher = publish(input.srtPublishUrl, 6);
      const early = await Promise.race([publisher.exited, new Promise((resolve) => setTimeout(() => resolve(null), 1_500))]);
      return early === null ? publisher : undefined;
    }, { what: 'the listener to take a second session', timeoutMs: 20_000 });
    // The row is live as soon as the publisher is claimed; the log line follows once the ladder was resumed.
    await waitFor(async () => (relayLog().some((line) => line.event === 'live_publish_resumed' && line.liveInputId === input.id) ? true : undefined), { what: 'the second session to resume the broadcast', timeoutMs: 20_000 });
    expect((await api(`/v1/live-inputs/${input.id}`)).body).toMatchObject({ status: 'live', broadcasts: 1 });
  });
});
