/**
 * channel-event-latency: how long a Twitch event takes from the webhook to the viewer — a signed `channel.raid`
 * POSTed to the origin's `/v1/webhooks/twitch` (signature, message-id claim in the DB, link lookup, Kafka
 * `channel-events`, the room bridge, the edge's `/internal/rooms/{room}/events`, the ChatRoom) until the raid line
 * is in the DOM of a Chromium watch page (MutationObserver, `Date.now()`), and until a guest WebSocket client holds
 * the frame. Baseline, alternating event by event: the same event POSTed straight to the edge's room route (the
 * last leg alone). One event in flight at a time; median and p99 over N events per side.
 * Kafka and the edge (`wrangler dev`, the worker bundled once) on shifted ports; the origin's webhook, PGlite and
 * the bridge in this process. Both clocks are this machine's wall clock.
 *   node --import tsx bench/channel-event-latency.ts [events]   (--quick: 10 events)
 */
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { formatTable } from '../cli/lib/table.ts';
import { signedPlayback } from '../origin/src/api/video-tokens.ts';
import { startRoomBridge } from '../origin/src/bridge/room-bridge.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { kafkaClient } from '../origin/src/kafka.ts';
import { startJwksSync } from '../origin/src/keys/edge-sync.ts';
import { sqlTwitchLinkRegistry, startLink } from '../origin/src/twitch-link/link-rows.ts';
import { createChannelEventPublisher } from '../origin/src/webhooks/channel-event-publisher.ts';
import { sqlMessageIdStore } from '../origin/src/webhooks/message-ids.ts';
import { newTwitchWebhookCounters, twitchWebhookRoutes } from '../origin/src/webhooks/twitch-routes.ts';
import { stackContext } from '../stack/component.ts';
import { kafkaComponent } from '../stack/components/kafka.ts';
import { repoRoot } from '../stack/paths.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { median, percentile, writeResults, type BenchResult } from './lib/results.ts';
import { repoWranglerToml, workerComponent, workerConfig } from './lib/wrangler.ts';

// `ws` is in node_modules (a wrangler dependency) without types; Node 20 has no global WebSocket.
interface WsClient {
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: new (url: string, options: object) => WsClient };

const EVENTS = numberSetting({ env: 'BENCH_CHANNEL_EVENTS', position: 0 }, { full: 100, quick: 10 });
const WARMUP = 5;
const CHANNEL = 'bench-raids';
const ROOM = `channel-${CHANNEL}`;
const BROADCASTER = '141981764';
const EVENTSUB_SECRET = 'bench-eventsub-secret-0123';
const CHROMIUM_PATH = '/usr/bin/chromium';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The raid's body as Twitch's EventSub reference shapes it; `viewers` tells the events apart on the page. */
function raidBody(viewers: number) {
  return {
    subscription: { id: 'bench-raid-sub', type: 'channel.raid', version: '1', status: 'enabled', cost: 0, condition: { to_broadcaster_user_id: BROADCASTER }, transport: { method: 'webhook', callback: 'http://bench/v1/webhooks/twitch' }, created_at: new Date().toISOString() },
    event: { from_broadcaster_user_id: '1234', from_broadcaster_user_login: 'cool_raider', from_broadcaster_user_name: 'Cool_Raider', to_broadcaster_user_id: BROADCASTER, to_broadcaster_user_login: 'twitchdev', to_broadcaster_user_name: 'TwitchDev', viewers },
  };
}

/** Headers as Twitch's webhook transport sends them, signed HMAC-SHA256(secret, id + timestamp + body). */
function twitchHeaders(body: string): Record<string, string> {
  const id = randomUUID();
  const timestamp = new Date().toISOString();
  return {
    'content-type': 'application/json',
    'Twitch-Eventsub-Message-Id': id,
    'Twitch-Eventsub-Message-Type': 'notification',
    'Twitch-Eventsub-Message-Timestamp': timestamp,
    'Twitch-Eventsub-Message-Signature': `sha256=${createHmac('sha256', EVENTSUB_SECRET).update(id + timestamp + body).digest('hex')}`,
    'Twitch-Eventsub-Subscription-Type': 'channel.raid',
  };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: \`npm run provision\` installs Debian's chromium`);
  const home = await mkdtemp(join(tmpdir(), 'vora-bench-channel-events-'));
  const ctx = stackContext(shiftedPorts(17000), await loadOrCreateSecrets(home), home);
  const configPath = await workerConfig(home, repoWranglerToml(await readFile(join(repoRoot, 'wrangler.toml'), 'utf8')), join(repoRoot, 'edge/src/index.ts'));
  const edge = workerComponent(ctx, configPath);
  const kafka = kafkaComponent(ctx);
  const runner = new StackRunner([kafka, edge], ctx.logDir);
  const log = pino({ level: 'warn' });
  const stops: Array<() => Promise<unknown>> = [];
  try {
    await runner.start();
    const sql = await openDatabase({ pgliteDir: join(home, 'db') });
    stops.push(() => sql.close());
    await sql.query(`INSERT INTO channels (id, title) VALUES ($1, 'Raids')`, [CHANNEL]);
    await startLink(sql, { channelId: CHANNEL, broadcasterId: BROADCASTER, login: 'twitchdev', displayName: 'TwitchDev' });

    const brokers = [kafka.url];
    const publisher = createChannelEventPublisher(kafkaClient(brokers, 'channel-events'));
    stops.push(() => publisher.close());
    const webhook = new Hono().route('/v1/webhooks/twitch', twitchWebhookRoutes({ secret: EVENTSUB_SECRET, messageIds: sqlMessageIdStore(sql), publisher, links: sqlTwitchLinkRegistry(sql), counters: newTwitchWebhookCounters(), log }));
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: webhook.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    });
    stops.push(() => new Promise((resolve) => server.close(resolve)));
    const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/twitch`;
    const bridge = startRoomBridge({ kafka: kafkaClient(brokers, 'room-bridge'), edgeUrl: edge.url, internalSecret: ctx.secrets.internalSecret, log });
    stops.push(() => bridge.stop());
    await bridge.ready;

    const sync = startJwksSync({ sql, edgeUrl: edge.url, internalSecret: ctx.secrets.internalSecret, log });
    stops.push(async () => sync.stop());
    const watch = await signedPlayback({ sql, sync, edgeUrl: edge.url }, { id: 'vid_bench_raids', channel: CHANNEL, chat: 'channel' }, { ttlSeconds: 3600 });

    // The viewer: a Chromium watch page (guest, reads); arrivals noted by a MutationObserver on the chat log.
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    stops.push(() => browser.close());
    const page = await (await browser.newContext()).newPage();
    await page.goto(watch.watchUrl);
    await page.waitForSelector('#chat-form[data-mode="name"]', { timeout: 60_000 });
    await page.evaluate(() => {
      const arrivals: Record<string, number> = {};
      (window as unknown as { arrivals: Record<string, number> }).arrivals = arrivals;
      new MutationObserver((records) => {
        const at = Date.now();
        for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement && node.classList.contains('event-raid')) arrivals[node.textContent ?? ''] = at;
      }).observe(document.getElementById('chat-log')!, { childList: true });
    });
    const pageArrivals = () => page.evaluate(() => (window as unknown as { arrivals: Record<string, number> }).arrivals);

    // A second viewer: a guest WebSocket client in the same room.
    const wsArrivals = new Map<number, number>();
    const waiters = new Map<number, () => void>();
    const socket = new WebSocket(`${edge.url.replace('http', 'ws')}/rooms/${ROOM}/ws?v=1&viewer=bench-ws-viewer&playback=${watch.token}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => (socket.on('open', () => resolve()), socket.on('error', reject)));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: { data?: { viewers?: number } } };
      const viewers = frame.type === 'event' ? frame.event?.data?.viewers : undefined;
      if (typeof viewers !== 'number') return;
      wsArrivals.set(viewers, Date.now());
      waiters.get(viewers)?.();
    });
    stops.push(async () => socket.close());

    const pipeline = (viewers: number) => {
      const body = JSON.stringify(raidBody(viewers));
      return fetch(webhookUrl, { method: 'POST', headers: twitchHeaders(body), body });
    };
    const direct = (viewers: number) =>
      fetch(`${edge.url}/internal/rooms/${ROOM}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.secrets.internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `direct-${viewers}`, type: 'channel.raid', at: new Date().toISOString(), data: raidBody(viewers).event }),
      });

    /** Sends one event by `side` and waits for the WebSocket viewer to hold it; returns when it was sent. */
    async function oneEvent(viewers: number, side: typeof pipeline): Promise<number> {
      const arrived = new Promise<void>((resolve) => waiters.set(viewers, resolve));
      const sentAt = Date.now();
      const answer = await side(viewers);
      if (!answer.ok) throw new Error(`event ${viewers} refused: ${answer.status} ${await answer.text()}`);
      await Promise.race([arrived, sleep(30_000).then(() => Promise.reject(new Error(`event ${viewers} never reached the room`)))]);
      waiters.delete(viewers);
      await sleep(50); // one event at a time: let the page settle before the next
      return sentAt;
    }

    for (let i = 0; i < WARMUP; i += 1) await oneEvent(900_000 + i, i % 2 === 0 ? pipeline : direct);
    const sent = { pipeline: new Map<number, number>(), direct: new Map<number, number>() };
    for (let i = 1; i <= EVENTS * 2; i += 1) {
      // Alternating sides event by event, so load drifts on this shared machine touch both alike.
      const side = i % 2 === 1 ? 'pipeline' : 'direct';
      sent[side].set(i, await oneEvent(i, side === 'pipeline' ? pipeline : direct));
    }
    await sleep(500);
    const inPage = await pageArrivals();
    const browserAt = (viewers: number) => inPage[`Raid from Cool_Raider with ${viewers} ${viewers === 1 ? 'viewer' : 'viewers'}`];
    const latencies = (side: 'pipeline' | 'direct', arrival: (viewers: number) => number | undefined) =>
      [...sent[side]].map(([viewers, at]) => {
        const arrived = arrival(viewers);
        if (arrived === undefined) throw new Error(`event ${viewers} (${side}) is missing from the page`);
        return arrived - at;
      }).sort((a, b) => a - b);
    const figures = {
      browser: { pipeline: latencies('pipeline', browserAt), direct: latencies('direct', browserAt) },
      ws: { pipeline: latencies('pipeline', (v) => wsArrivals.get(v)), direct: latencies('direct', (v) => wsArrivals.get(v)) },
    };

    const row = (label: string, values: number[]) => [label, String(values.length), median(values).toFixed(0), percentile(values, 99).toFixed(0), String(values.at(-1))];
    console.log(`\nchannel.raid from send to viewer, ${EVENTS} events per side, one in flight, sides alternating\n`);
    console.log(formatTable(['path → viewer', 'events', 'p50 ms', 'p99 ms', 'max ms'], [
      row('webhook → Kafka → bridge → room → Chromium page', figures.browser.pipeline),
      row('edge room route → room → Chromium page (baseline)', figures.browser.direct),
      row('webhook → Kafka → bridge → room → WebSocket client', figures.ws.pipeline),
      row('edge room route → room → WebSocket client (baseline)', figures.ws.direct),
    ]));
    const setting = [`${EVENTS} events per side after ${WARMUP} warm-up, one in flight, sides alternating; sent → DOM insertion (MutationObserver) / frame at the client, one wall clock`, modeNote].filter(Boolean).join('; ');
    const result = (name: string, client: 'browser' | 'ws', p: 50 | 99, where: string): BenchResult => {
      const pick = (values: number[]) => (p === 50 ? median(values) : percentile(values, 99));
      return {
        name,
        value: Math.round(pick(figures[client].pipeline)),
        unit: 'ms',
        baseline: `the same event POSTed to the edge's room route (${where}), p${p}`,
        baselineValue: Math.round(pick(figures[client].direct)),
        better: 'lower',
        goal: { text: 'reported (issue 21): webhook receipt to the frame in the browser, median and p99 over 100 events' },
        notes: setting,
      };
    };
    await writeResults('channel-event-latency', [
      result('channel-event-to-browser-p50', 'browser', 50, 'Chromium page'),
      result('channel-event-to-browser-p99', 'browser', 99, 'Chromium page'),
      result('channel-event-to-websocket-p50', 'ws', 50, 'WebSocket client'),
      result('channel-event-to-websocket-p99', 'ws', 99, 'WebSocket client'),
    ]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await runner.stop(10_000);
    await rm(home, { recursive: true, force: true });
  }
}

await main();
