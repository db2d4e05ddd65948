/**
 * A live stream as a viewer gets it, on the stack `npm start` runs: the watch link of a live input opens a page
 * that says the stream is offline; FFmpeg publishes over RTMP (an OBS stand-in) and the page starts by itself —
 * hls.js in Debian's Chromium, playlists rewritten by the edge, segments from a CDN node under a live segment
 * token — with the LIVE badge saying how far behind live the viewer is. The edge's answers are checked directly too.
 * A webhook endpoint (a local receiver verifying each request with the `standardwebhooks` library) hears the
 * broadcasts go online and offline, the recording become READY, and a refusing restream target fail. A low-latency
 * input plays in hls.js low-latency mode on LL-HLS parts from a CDN node.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveInputWithKey } from '../../contracts/live-inputs.ts';
import { PlaybackTokenAnswer } from '../../contracts/videos.ts';
import { repoRoot } from '../../stack/paths.ts';
import { publishTestSource, type Publisher } from '../support/live-publisher.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { devStackApi, type OperatorApi } from '../support/operator-api.ts';
import { freePort, testPortOffset } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { launchChromium, openPage } from './support/browser-chromium.ts';

let stack: DevStack;
let api: OperatorApi;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let publisher: Publisher | undefined;
let input: LiveInputWithKey;
let playback: PlaybackTokenAnswer;
const nodeResponses: Array<{ status: number; path: string }> = [];
/** The webhook endpoint's receiver (the local stack allows 127.0.0.1: VORA_WEBHOOK_ALLOWED_NETWORKS); it checks every signature. */
let receiver: WebhookReceiver | undefined;
const hooksPath = '/hooks';
const webhooks = () => receiver!.at(hooksPath);
const artifacts = process.env.VORA_E2E_ARTIFACTS ?? join(repoRoot, '.vora', 'test-results', 'screenshots');

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  stack = await startDevStack(await testPortOffset(import.meta.url));
  api = (path, call) => devStackApi(stack)(path, { timeoutMs: 10_000, ...call });
  receiver = new WebhookReceiver(await freePort());
  await receiver.listen();
  const endpoint = await api('/v1/webhook-endpoints', { method: 'POST', body: { url: `http://127.0.0.1:${receiver.port}${hooksPath}`, events: ['live_input.*'] } });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  receiver.secrets.set(hooksPath, (endpoint.body as { secret: string }).secret);
  // Nothing listens there: the push to it fails, and says so.
  const refusingTarget = { url: `rtmp://127.0.0.1:${await freePort()}/app`, streamKey: 'refused-target-key-0001' };
  const created = await api('/v1/live-inputs', { method: 'POST', body: { title: 'live e2e', reconnectWindowSeconds: 0, restreamTargets: [refusingTarget] } });
  expect(created.status).toBe(201);
  input = LiveInputWithKey.parse(created.body);
  const minted = await api(`/v1/live-inputs/${input.id}/token`, { method: 'POST', body: { ttlSeconds: 1800 } });
  expect(minted.status, JSON.stringify(minted.body)).toBe(200);
  playback = PlaybackTokenAnswer.parse(minted.body);
  browser = await launchChromium();
  ({ page, pageErrors } = await openPage(browser, { width: 1280, height: 800 }));
  const nodePorts = new Set(stack.ports.cdnNodes.map(String));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (nodePorts.has(url.port)) nodeResponses.push({ status: response.status(), path: url.pathname });
  });
}, 360_000);

afterAll(async () => {
  await publisher?.stop();
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
}, 120_000);

const pageState = (p: Page) =>
  p.evaluate(() => {
    const video = document.querySelector('video')!;
    const player = document.querySelector<HTMLElement>('.player')!;
    const badge = document.getElementById('live-badge');
    return {
      currentTime: video.currentTime,
      waiting: player.dataset.waiting,
      fatal: player.dataset.fatal,
      status: document.getElementById('player-status')!.textContent,
      badge: badge?.textContent ?? null,
      behind: badge?.dataset.behindSeconds ?? null,
      ended: badge?.dataset.ended === 'true',
      clock: document.getElementById('time')!.textContent,
    };
  });

describe('a live input nobody broadcasts yet', () => {
  it('is 409 stream_offline at the edge, with Retry-After, and its watch page says it is waiting', async () => {
    const master = await fetch(playback.url);
    expect(master.status).toBe(409);
    expect(master.headers.get('retry-after')).toBe('2');
    expect(((await master.json()) as { error: { code: string } }).error.code).toBe('stream_offline');

    await page.goto(playback.watchUrl);
    await waitFor(async () => ((await pageState(page)).waiting === 'offline' ? true : undefined), { what: 'the page to say it waits for the stream', timeoutMs: 20_000 });
    const state = await pageState(page);
    expect(state.status).toMatch(/^Offline — waiting for the stream/);
    expect(state.badge).toBe('LIVE');
    expect(await page.title()).toBe(`Live ${input.id} — Vora`);
  });
});

describe('once the streamer publishes', () => {
  it('starts on the waiting page by itself and plays behind live, segments from a CDN node', async () => {
    publisher = publishTestSource(input.publishUrl, { seconds: 90, size: '640x360' });
    const publishedAt = Date.now();
    const playing = await waitFor(async () => {
      const state = await pageState(page);
      if (state.fatal) throw new Error(`the player gave up: ${JSON.stringify(state)}`);
      return state.currentTime > 4 && state.behind !== null ? state : undefined;
    }, { what: 'the live page to play past 4 s', timeoutMs: 120_000, detail: () => JSON.stringify(nodeResponses.slice(-5)) });
    console.log(`[live e2e] publish → page played 4 s in ${Date.now() - publishedAt} ms; ${playing.badge}`);
    await page.screenshot({ path: join(artifacts, 'live-1280x800-playing.png') });

    expect(playing.waiting).toBeUndefined();
    expect(playing.badge).toMatch(/^LIVE · \d+ s behind$/);
    expect(Number(playing.behind)).toBeGreaterThan(0);
    expect(playing.clock, 'live mode shows LIVE or how far behind, not the window clock').toMatch(/^(LIVE|−\d+:\d\d)$/);
    const segments = nodeResponses.filter((response) => response.path.startsWith(`/media/live/${input.id}/b1/`));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments.every((response) => response.status === 200), JSON.stringify(segments)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('serves the live playlists per viewer: node URLs under /media/live/{id}/ with a token the node accepts, 1 s cache', async () => {
    const master = await fetch(playback.url);
    expect(master.status).toBe(200);
    const variants = (await master.text()).split('\n').filter((line) => line.endsWith('playlist.m3u8'));
    expect(variants).toContain('b1/360p/playlist.m3u8');

    const tokenPath = playback.url.replace(/master\.m3u8$/, '');
    const media = await fetch(`${tokenPath}b1/360p/playlist.m3u8`);
    expect(media.status).toBe(200);
    expect(media.headers.get('cache-control')).toBe('private, max-age=1');
    const body = await media.text();
    expect(body).not.toContain('#EXT-X-ENDLIST');
    const segmentUrl = body.split('\n').find((line) => /\/seg_\d+\.m4s\?st=[\w-]+&e=\d+$/.test(line));
    expect(segmentUrl, body).toBeDefined();
    const url = new URL(segmentUrl!);
    expect(url.pathname).toMatch(new RegExp(`^/media/live/${input.id}/b1/360p/seg_\\d+\\.m4s$`));
    expect(stack.ports.cdnNodes.map(String)).toContain(url.port);
    const segment = await fetch(url);
    expect(segment.status).toBe(200);
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    // The token covers this live input only: the same query on another input's path is refused by the node.
    const elsewhere = await fetch(`${url.origin}/media/live/other-input/b1/360p/seg_00001.m4s${url.search}`);
    expect(elsewhere.status).toBe(403);
    // A live token opens no VOD-shaped path.
    expect((await fetch(`${tokenPath}360p/playlist.m3u8`)).status).toBe(404);
  });
});

describe('when the broadcast ends and the streamer comes back', () => {
  it('shows ENDED, then plays the next broadcast on the same page without a reload', async () => {
    await publisher!.stop();
    publisher = undefined;
    const ended = await waitFor(async () => {
      const state = await pageState(page);
      return state.ended ? state : undefined;
    }, { what: 'the page to show the broadcast ended', timeoutMs: 60_000 });
    expect(ended.badge).toBe('ENDED');
    expect(ended.status).toMatch(/^The broadcast has ended\. The next one will start here by itself/);

    const timeBefore = ended.currentTime;
    publisher = publishTestSource(input.publishUrl, { seconds: 60, size: '640x360' });
    const republishedAt = Date.now();
    const playing = await waitFor(async () => {
      const state = await pageState(page);
      if (state.fatal) throw new Error(`the player gave up: ${JSON.stringify(state)}`);
      return !state.ended && state.badge?.startsWith('LIVE') && state.behind !== null && state.currentTime !== timeBefore && nodeResponses.some((response) => response.path.startsWith(`/media/live/${input.id}/b2/`)) ? state : undefined;
    }, { what: 'the page to play the second broadcast', timeoutMs: 120_000, detail: () => JSON.stringify(nodeResponses.slice(-5)) });
    console.log(`[live e2e] republish → page playing broadcast 2 in ${Date.now() - republishedAt} ms; ${playing.badge}`);
    expect(playing.status, 'the ended message is gone once the next broadcast plays').not.toMatch(/ended/);
    const second = nodeResponses.filter((response) => response.path.startsWith(`/media/live/${input.id}/b2/`));
    expect(second.every((response) => response.status === 200), JSON.stringify(second)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});

describe('webhooks of the broadcasts', () => {
  it('tell a subscribed endpoint, signed: online twice, offline, the recording READY, the refusing restream target failed', async () => {
    const received = (type: string, match: (data: Record<string, any>) => boolean = () => true) =>
      webhooks().filter((hook) => hook.payload.type === type && match(hook.payload.data as Record<string, any>));
    await waitFor(async () => (received('live_input.online').length >= 2 ? true : undefined), { what: 'live_input.online for both broadcasts', timeoutMs: 60_000, detail: () => JSON.stringify(webhooks().map((hook) => hook.payload.type)) });
    await waitFor(async () => (received('live_input.recording.ready').length >= 1 ? true : undefined), { what: "the first broadcast's recording READY", timeoutMs: 90_000, detail: () => JSON.stringify(webhooks().map((hook) => hook.payload.type)) });
    await waitFor(async () => (received('live_input.restream.failed').length >= 1 ? true : undefined), { what: 'the refusing restream target to fail', timeoutMs: 60_000 });

    console.log(`[live e2e] webhooks received: ${webhooks().map((hook) => hook.payload.type).join(', ')}`);
    expect(webhooks().every((hook) => hook.verified), 'every request verifies with the secret shown once').toBe(true);
    expect(received('live_input.online').map((hook) => [hook.payload.data.id, hook.payload.data.broadcast])).toEqual([[input.id, 1], [input.id, 2]]);
    expect(received('live_input.offline', (data) => data.broadcast === 1)).toHaveLength(1);
    const [recording] = received('live_input.recording.ready');
    expect(recording!.payload.data).toMatchObject({ id: input.id, recording: { id: `rec_${input.id}_b1`, state: 'READY' } });
    const [failed] = received('live_input.restream.failed');
    expect(failed!.payload.data).toMatchObject({ liveInputId: input.id, status: 'failed', streamKeyMasked: '****0001' });
    expect(String(failed!.payload.data.lastError)).toMatch(/refused/i);
    expect(JSON.stringify(webhooks())).not.toContain('refused-target-key-0001');
    // Deliveries run in parallel, so arrival order is not event order; the per-input sequence is: one number per event,
    // broadcast 2 going online after broadcast 1 went offline.
    const sequenceOf = (type: string, broadcast: number) => received(type, (data) => data.broadcast === broadcast)[0]!.payload.sequence!;
    const sequences = webhooks().filter((hook) => hook.payload.data.id === input.id).map((hook) => hook.payload.sequence);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequenceOf('live_input.online', 1)).toBeLessThan(sequenceOf('live_input.offline', 1));
    expect(sequenceOf('live_input.offline', 1)).toBeLessThan(sequenceOf('live_input.online', 2));
  }, 200_000);
});

describe('a low-latency input', () => {
  it('plays in hls.js low-latency mode with LL-HLS parts from a CDN node, and its playlists carry parts and a preload hint', async () => {
    const created = await api('/v1/live-inputs', { method: 'POST', body: { title: 'live e2e low latency', reconnectWindowSeconds: 0, recording: 'off', latency: 'low' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const low = LiveInputWithKey.parse(created.body);
    const minted = PlaybackTokenAnswer.parse((await api(`/v1/live-inputs/${low.id}/token`, { method: 'POST', body: { ttlSeconds: 1800 } })).body);
    const { page: lowPage, pageErrors: lowErrors } = await openPage(browser, { width: 1280, height: 800 });
    const parts: Array<{ status: number; path: string }> = [];
    const nodePorts = new Set(stack.ports.cdnNodes.map(String));
    lowPage.on('response', (response) => {
      const url = new URL(response.url());
      if (nodePorts.has(url.port) && /\.part\d+\.m4s$/.test(url.pathname)) parts.push({ status: response.status(), path: url.pathname });
    });
    await lowPage.goto(minted.watchUrl);
    const lowPublisher = publishTestSource(low.publishUrl, { seconds: 60, size: '640x360' });
    try {
      const playing = await waitFor(async () => {
        const state = await pageState(lowPage);
        if (state.fatal) throw new Error(`the player gave up: ${JSON.stringify(state)}`);
        return state.currentTime > 3 && parts.length >= 3 ? state : undefined;
      }, { what: 'the low-latency page to play past 3 s on parts', timeoutMs: 120_000, detail: () => JSON.stringify(parts.slice(-3)) });
      console.log(`[live e2e] low latency: ${playing.badge}, ${parts.length} parts from nodes`);
      expect(await lowPage.evaluate(() => document.querySelector<HTMLElement>('.player')!.dataset.lowLatency)).toBe('true');
      expect(parts.every((part) => part.status === 200), JSON.stringify(parts.slice(0, 5))).toBe(true);
      expect(parts[0]!.path).toMatch(new RegExp(`^/media/live/${low.id}/b1/[^/]+/seg_\\d{5}\\.part\\d+\\.m4s$`));

      const media = await fetch(minted.url.replace(/master\.m3u8$/, 'b1/360p/playlist.m3u8'));
      expect(media.status).toBe(200);
      const text = await media.text();
      expect(text).toMatch(/^#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES/m);
      expect(text).toMatch(/^#EXT-X-PART-INF:PART-TARGET=/m);
      expect(text).toMatch(/^#EXT-X-PRELOAD-HINT:TYPE=PART,URI="http:\/\/127\.0\.0\.1:\d+\/media\/live\//m);
      expect(lowErrors).toEqual([]);
    } finally {
      await lowPublisher.stop();
      await lowPage.context().close();
    }
  }, 180_000);
});
