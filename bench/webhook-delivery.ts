/**
 * webhook-delivery: event-to-delivery latency of outgoing webhooks — N video events published on Kafka
 * `video-events`, each delivered to 3 endpoints through the whole path (consumer → stored event → one
 * `deliverWebhook` workflow per (event, endpoint) on real Temporal → signed POST) — p50/p99 from the publish to the
 * receiver's arrival, and the origin-side CPU per delivery against a bare `fetch` loop POSTing the same bodies to
 * the same receiver with the same concurrency. Kafka and Temporal on shifted ports; the origin's half and the
 * receiver run in this process (the receiver's CPU is in both figures).
 *   node --import tsx bench/webhook-delivery.ts [events]   (--quick: 50 events)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { shiftedPorts } from '../contracts/local-ports.ts';
import type { VideoEvent } from '../contracts/video-events.ts';
import { openDatabase } from '../origin/src/db/open.ts';
import { sealedSecrets } from '../origin/src/db/sealed-secrets.ts';
import { createVideoEventPublisher } from '../origin/src/events/video-events.ts';
import { kafkaClient } from '../origin/src/kafka.ts';
import { createWebhookDispatcher } from '../origin/src/outgoing-webhooks/dispatcher.ts';
import { createWebhookEndpoint } from '../origin/src/outgoing-webhooks/endpoint-store.ts';
import { getWebhookEvent } from '../origin/src/outgoing-webhooks/event-store.ts';
import { webhookRequestHeaders } from '../origin/src/outgoing-webhooks/signing.ts';
import { webhookUrlPolicy } from '../origin/src/outgoing-webhooks/url-safety.ts';
import { startWebhookEventConsumer } from '../origin/src/outgoing-webhooks/video-event-consumer.ts';
import { startWebhookWorker } from '../origin/src/outgoing-webhooks/webhook-worker.ts';
import { Client, Connection } from '@temporalio/client';
import { stackContext } from '../stack/component.ts';
import { kafkaComponent } from '../stack/components/kafka.ts';
import { temporalComponent } from '../stack/components/temporal.ts';
import { StackRunner } from '../stack/runner.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { cpuMsOf } from './lib/process.ts';
import { median, percentile, writeResults } from './lib/results.ts';

const events = numberSetting({ env: 'BENCH_WEBHOOK_EVENTS', position: 0 }, { full: 1000, quick: 50 });
const endpointCount = 3;
const perEndpointConcurrency = 8;
const deadlineMs = 10 * 60_000;

/** Wall-clock arrivals (ms since the epoch), to set beside the DB's timestamps in the stage breakdown. */
const wallArrivals = new Map<string, number>();

/** A receiver that answers 200 at once and notes when each (path, webhook-id) arrived. */
async function startReceiver(): Promise<{ server: Server; port: number; arrivals: Map<string, number> }> {
  const arrivals = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.set(`${request.url} ${String(request.headers['webhook-id'] ?? '')}`, performance.now());
      wallArrivals.set(`${request.url} ${String(request.headers['webhook-id'] ?? '')}`, Date.now());
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, arrivals };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Process CPU (user + system) in ms since `since`. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vora-bench-webhooks-'));
  const secrets = { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: 'bench-pull-secret-0123456789', minioUser: 'vora-bench', minioPassword: 'vora-bench-password', secretsKey: 'YmVuY2gtc2VjcmV0cy1rZXktMDEyMzQ1Njc4OWFiY2Q=' };
  // Below the ephemeral range (32768+), where an outgoing connection can hold a port when Kafka binds it, and below
  // the tests' blocks (20200+).
  const ports = shiftedPorts(9600);
  const ctx = stackContext(ports, secrets, dataDir);
  const runner = new StackRunner([temporalComponent(ctx), kafkaComponent(ctx)], ctx.logDir);
  const log = pino({ level: 'warn' });
  const receiver = await startReceiver();
  const stops: Array<() => Promise<unknown>> = [];
  try {
    await runner.start();
    const serverPids = runner.pids();
    const sql = await openDatabase({ pgliteDir: join(dataDir, 'db') });
    stops.push(() => sql.close());
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    stops.push(() => connection.close());
    const temporal = new Client({ connection });
    const brokers = [`127.0.0.1:${ports.kafka}`];
    const dispatcher = createWebhookDispatcher({ sql, temporal, scheduleSeconds: [0, 5, 300], log });
    const sealed = sealedSecrets(secrets.secretsKey);
    const worker = await startWebhookWorker({ sql, urlPolicy: webhookUrlPolicy('127.0.0.1/32'), sealedSecrets: sealed, timeoutMs: 15_000, endpointConcurrency: perEndpointConcurrency, temporalAddress: `127.0.0.1:${ports.temporal}`, namespace: 'default', log });
    stops.push(() => worker.stop());
    const consumer = startWebhookEventConsumer({ kafka: kafkaClient(brokers, 'webhooks'), sql, dispatcher, liveUrls: () => ({ publicUrl: 'http://127.0.0.1:1', rtmpUrl: 'rtmp://127.0.0.1:1/live' }), log });
    stops.push(() => consumer.stop());
    await consumer.ready;
    const publisher = createVideoEventPublisher(kafkaClient(brokers, 'video-events'), { log });
    stops.push(() => publisher.close());
    const paths = Array.from({ length: endpointCount }, (_, index) => `/endpoint-${index}`);
    for (const path of paths) await createWebhookEndpoint(sql, sealed, { url: `http://127.0.0.1:${receiver.port}${path}`, events: ['video.*'], description: path });

    // Warm-up: a few events through the whole path (bundle loaded, connections open, JIT warm).
    const warm = Array.from({ length: 5 }, (_, index) => `evt_warm_${index}`);
    for (const id of warm) await publisher.publish({ id, type: 'video.ready', videoId: `vid_warm_${id}`, state: 'READY', at: new Date().toISOString() });
    await until('the warm-up deliveries', () => warm.every((id) => paths.every((path) => receiver.arrivals.has(`${path} ${id}`))));

    // The measured run: events published as fast as Kafka takes them, one video each.
    const publishedAt = new Map<string, number>();
    const publishedWall = new Map<string, number>();
    const cpuStart = process.cpuUsage();
    const serverCpuStart = await Promise.all(serverPids.map((pid) => cpuMsOf(pid).catch(() => 0)));
    const startedAt = performance.now();
    const ids: string[] = [];
    for (let index = 0; index < events; index += 1) {
      const event: VideoEvent = { id: `evt_bench_${index}`, type: 'video.ready', videoId: `vid_bench_${index}`, state: 'READY', at: new Date().toISOString() };
      ids.push(event.id);
      publishedAt.set(event.id, performance.now());
      publishedWall.set(event.id, Date.now());
      await publisher.publish(event);
    }
    await until(`${events * endpointCount} deliveries`, () => ids.every((id) => paths.every((path) => receiver.arrivals.has(`${path} ${id}`))));
    const webhookWallMs = performance.now() - startedAt;
    const webhookCpuMs = cpuMs(cpuStart);
    const serverCpuMs = (await Promise.all(serverPids.map((pid) => cpuMsOf(pid).catch(() => 0)))).reduce((sum, value, index) => sum + value - serverCpuStart[index]!, 0);
    const latencies = ids.flatMap((id) => paths.map((path) => receiver.arrivals.get(`${path} ${id}`)! - publishedAt.get(id)!)).sort((a, b) => a - b);

    // Where the time goes, per delivery, from the rows the path writes (ms precision): Kafka → event stored (the
    // consumer's lag), stored → delivery row (dispatch), delivery row → attempt (Temporal: workflow start, workflow
    // task, activity task), attempt → arrival (the POST), all as medians and p99.
    const { rows: stageRows } = await sql.query<{ event_id: string; url: string; stored: Date; dispatched: Date; attempted: Date }>(
      `SELECT e.id AS event_id, w.url, e.created_at AS stored, d.created_at AS dispatched, a.attempted_at AS attempted
       FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id JOIN webhook_endpoints w ON w.id = d.endpoint_id
       JOIN webhook_attempts a ON a.delivery_id = d.id AND a.attempt = 1 WHERE e.id LIKE 'evt_bench_%'`,
    );
    const stages: Record<string, number[]> = { 'Kafka → stored': [], 'stored → delivery row': [], 'delivery row → attempt': [], 'attempt → arrival': [] };
    for (const row of stageRows) {
      const path = new URL(row.url).pathname;
      const arrived = wallArrivals.get(`${path} ${row.event_id}`)!;
      stages['Kafka → stored']!.push(new Date(row.stored).getTime() - publishedWall.get(row.event_id)!);
      stages['stored → delivery row']!.push(new Date(row.dispatched).getTime() - new Date(row.stored).getTime());
      stages['delivery row → attempt']!.push(new Date(row.attempted).getTime() - new Date(row.dispatched).getTime());
      stages['attempt → arrival']!.push(arrived - new Date(row.attempted).getTime());
    }
    const breakdown = Object.entries(stages)
      .map(([stage, values]) => {
        const sorted = values.sort((a, b) => a - b);
        return `${stage} p50 ${median(sorted).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`;
      })
      .join('; ');
    process.stdout.write(`webhook-delivery stages (${stageRows.length} deliveries): ${breakdown}\n`);

    // Baseline: the same signed bodies POSTed by a bare fetch loop, same receiver, same concurrency per endpoint.
    const bodies = await Promise.all(ids.map(async (id) => (await getWebhookEvent(sql, id))!.body));
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const baselineCpuStart = process.cpuUsage();
    const baselineStartedAt = performance.now();
    const baselineLatencies: number[] = [];
    await Promise.all(paths.map(async (path) => {
      let next = 0;
      await Promise.all(Array.from({ length: perEndpointConcurrency }, async () => {
        while (next < ids.length) {
          const index = next++;
          const body = bodies[index]!;
          const began = performance.now();
          const headers = webhookRequestHeaders({ id: `base_${ids[index]}`, timestamp: Math.floor(Date.now() / 1000), body }, [secret]);
          const response = await fetch(`http://127.0.0.1:${receiver.port}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
          await response.text();
          baselineLatencies.push(performance.now() - began);
        }
      }));
    }));
    const baselineWallMs = performance.now() - baselineStartedAt;
    const baselineCpuMs = cpuMs(baselineCpuStart);
    baselineLatencies.sort((a, b) => a - b);

    const deliveries = events * endpointCount;
    const context = `${events} events × ${endpointCount} endpoints, ${perEndpointConcurrency} in flight per endpoint; whole path ${(webhookWallMs / 1000).toFixed(1)} s wall (${(deliveries / (webhookWallMs / 1000)).toFixed(0)} deliveries/s), fetch loop ${(baselineWallMs / 1000).toFixed(1)} s; Temporal + Kafka server CPU ${(serverCpuMs / deliveries).toFixed(2)} ms per delivery (not in the figure); stages: ${breakdown}${modeNote ? `; ${modeNote}` : ''}`;
    await writeResults('webhook-delivery', [
      { name: 'webhook-delivery-p50', value: Math.round(median(latencies)), unit: 'ms', baseline: 'bare fetch POST of the same body, p50', baselineValue: Math.round(median(baselineLatencies) * 10) / 10, better: 'lower', goal: { text: 'event to delivery, seconds not minutes' }, notes: context },
      { name: 'webhook-delivery-p99', value: Math.round(percentile(latencies, 99)), unit: 'ms', baseline: 'bare fetch POST of the same body, p99', baselineValue: Math.round(percentile(baselineLatencies, 99) * 10) / 10, better: 'lower', goal: {}, notes: context },
      { name: 'webhook-delivery-cpu', value: Math.round((webhookCpuMs / deliveries) * 100) / 100, unit: 'ms CPU/delivery', baseline: 'bare fetch loop, same bodies and receiver', baselineValue: Math.round((baselineCpuMs / deliveries) * 100) / 100, better: 'lower', goal: {}, notes: `origin process (consumer, dispatcher, worker, attempt activity, PGlite) + receiver; ${context}` },
    ]);
    process.stdout.write(`webhook-delivery: p50 ${median(latencies).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ${(webhookCpuMs / deliveries).toFixed(2)} vs ${(baselineCpuMs / deliveries).toFixed(2)} ms CPU per delivery (fetch loop p50 ${median(baselineLatencies).toFixed(1)} ms)\n`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
    await runner.stop(10_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
