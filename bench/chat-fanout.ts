/**
 * One room, 1,000 WebSocket clients on the local edge (`wrangler dev`): delivered messages/s and p50/p99
 * end-to-end latency at 10, 50 and 100 messages/s of input, for the real ChatRoom (token-verified join,
 * parsing, rules, SQLite history) against EchoRoom, a minimal object that only re-broadcasts (same run).
 * Usage: `npx tsx bench/chat-fanout.ts [clients] [seconds]` (defaults 1000 and 10; env BENCH_CHAT_CLIENTS /
 * BENCH_CHAT_SECONDS through `npm run bench`; `--quick`: 50 clients, 2 s, 50 msg/s only).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { stackContext, type StackContext } from '../stack/component.ts';
import { repoRoot } from '../stack/paths.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { formatTable } from '../cli/lib/table.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { bundleWorker, repoWranglerToml, workerComponent } from './lib/wrangler.ts';
import { writeResults, type BenchResult } from './lib/results.ts';

// `ws` is in node_modules (a wrangler dependency) without types; Node 20 has no global WebSocket.
interface WsClient {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
  terminate(): void;
}
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: new (url: string, options: object) => WsClient };

const CLIENTS = numberSetting({ env: 'BENCH_CHAT_CLIENTS', position: 0 }, { full: 1000, quick: 50 });
const SECONDS = numberSetting({ env: 'BENCH_CHAT_SECONDS', position: 1 }, { full: 10, quick: 2 });
/** 50 msg/s is the figure of record; 10 and 100 show the trend around it. */
const RATES = quick ? [50] : [10, 50, 100];
const ROOM = 'bench-fanout';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The repo's worker with EchoRoom added, from the bench-only entry (bench/workers/chat-fanout-entry.ts), bundled once. */
async function benchWranglerConfig(dir: string, ctx: StackContext): Promise<string> {
  const toml = repoWranglerToml(await readFile(join(repoRoot, 'wrangler.toml'), 'utf8')).replace('new_sqlite_classes = ["ChatRoom"]', 'new_sqlite_classes = ["ChatRoom", "EchoRoom"]');
  const echo = '\n[[durable_objects.bindings]]\nname = "ECHO_ROOMS"\nclass_name = "EchoRoom"\n';
  return bundleWorker(dir, ctx, `${toml}${echo}`, join(repoRoot, 'bench/workers/chat-fanout-entry.ts'));
}

/** Opens `urls` with at most 50 handshakes in flight; every socket counts marked frames into `onSample`. */
async function connectAll(urls: string[], onSample: (text: string) => void, dropped: { count: number }): Promise<WsClient[]> {
  const sockets: WsClient[] = [];
  let next = 0;
  async function worker() {
    while (next < urls.length) {
      const url = urls[next++]!;
      const socket = new WebSocket(url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        socket.on('open', () => resolve());
        socket.on('error', reject);
      });
      socket.on('message', (data) => onSample(data.toString()));
      socket.on('close', () => (dropped.count += 1));
      sockets.push(socket);
    }
  }
  await Promise.all(Array.from({ length: 50 }, worker));
  return sockets;
}

/** `perSecond`: frames delivered over the time from the first send to the last receipt (the drain counts). */
interface PhaseResult { rate: number; sent: number; delivered: number; perSecond: number; p50: number; p99: number }

/** Latencies of the current phase: text `b:{phase}:{sentAt}` inside whatever frame the room sends back. */
class Samples {
  phase = 0;
  count = 0;
  lastAt = 0;
  values = new Float64Array(CLIENTS * Math.max(...RATES) * (SECONDS + 5));
  take(text: string) {
    const at = text.indexOf(`b:${this.phase}:`);
    if (at < 0) return;
    const start = at + `b:${this.phase}:`.length;
    const sentAt = Number(text.slice(start, text.indexOf('"', start)));
    this.lastAt = performance.now();
    if (this.count < this.values.length) this.values[this.count++] = this.lastAt - sentAt;
  }
  percentile(sorted: Float64Array, p: number) {
    return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

async function runPhases(sender: WsClient, samples: Samples): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  for (const rate of RATES) {
    samples.phase += 1;
    samples.count = 0;
    const started = performance.now();
    let sent = 0;
    // Drift-free schedule: the n-th message goes at started + n / rate.
    while (performance.now() - started < SECONDS * 1000) {
      sender.send(JSON.stringify({ type: 'send', text: `b:${samples.phase}:${performance.now().toFixed(3)}`, nonce: String(sent) }));
      sent += 1;
      await sleep(Math.max(0, started + (sent * 1000) / rate - performance.now()));
    }
    // Drain: wait until this phase's frames stop arriving (1 s of silence, at most 60 s), so the next phase starts clean.
    const sendEnd = performance.now();
    while (performance.now() - sendEnd < 60_000 && performance.now() - Math.max(samples.lastAt, sendEnd) < 1000) await sleep(100);
    const sorted = samples.values.slice(0, samples.count).sort();
    const seconds = (Math.max(samples.lastAt, sendEnd) - started) / 1000;
    results.push({ rate, sent, delivered: samples.count, perSecond: samples.count / seconds, p50: samples.percentile(sorted, 50), p99: samples.percentile(sorted, 99) });
  }
  return results;
}

const home = await mkdtemp(join(tmpdir(), 'vora-bench-chat-'));
const ctx = stackContext(shiftedPorts(15000), await loadOrCreateSecrets(home), home);
const configPath = await benchWranglerConfig(home, ctx);
const edge = workerComponent(ctx, configPath);
const runner = new StackRunner([edge], ctx.logDir);
const base = edge.url;
const wsBase = base.replace('http', 'ws');
const internal = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'PUT', headers: { Authorization: `Bearer ${ctx.secrets.internalSecret}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

try {
  const started = performance.now();
  await runner.start();
  console.log(`edge ready in ${((performance.now() - started) / 1000).toFixed(1)} s on ${base}`);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const keys = await internal('/internal/keys', { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' }] });
  if (!keys.ok) throw new Error(`PUT /internal/keys: ${keys.status} ${await keys.text()}`);
  // The sender posts up to 100 messages/s: lift the per-user rate limit for this room only.
  const rules = await internal(`/internal/rooms/${ROOM}/rules`, { burst: 1000, ratePerSecond: 1000 });
  if (!rules.ok) throw new Error(`PUT rules: ${rules.status} ${await rules.text()}`);

  const exp = Math.floor(Date.now() / 1000) + 3600;
  const token = (i: number) =>
    new SignJWT({ sub: `bench-${i}`, name: `Bench ${i}`, role: i === 0 ? 'broadcaster' : 'viewer', room: ROOM, exp }).setProtectedHeader({ alg: 'ES256', kid: 'bench-1' }).sign(privateKey);
  const chatUrls = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => `${wsBase}/rooms/${ROOM}/ws?v=1&token=${await token(i)}`));
  const echoUrls = Array.from({ length: CLIENTS }, () => `${wsBase}/bench/echo/${ROOM}/ws`);

  const table: Record<string, PhaseResult[]> = {};
  for (const [name, urls] of [['ChatRoom', chatUrls], ['EchoRoom (baseline)', echoUrls]] as const) {
    const samples = new Samples();
    const connectStart = performance.now();
    const dropped = { count: 0 };
    const sockets = await connectAll(urls, (text) => samples.take(text), dropped);
    console.log(`${name}: ${sockets.length} clients connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`);
    await sleep(2000);
    table[name] = await runPhases(sockets[0]!, samples);
    // A socket closed by the server (a worker reload, a 4008) would make the numbers lie: say so.
    if (dropped.count > 0) console.log(`${name}: ${dropped.count} sockets were closed during the run`);
    for (const socket of sockets) socket.terminate();
    await sleep(2000);
  }

  const rows = Object.entries(table).flatMap(([name, phases]) =>
    phases.map((r) => [name, `${r.rate}/s`, String(r.sent), `${r.delivered} / ${r.sent * CLIENTS}`, r.perSecond.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1)]),
  );
  console.log(`\n${CLIENTS} clients in one room, ${SECONDS} s per rate\n`);
  console.log(formatTable(['room', 'input', 'sent', 'delivered / expected', 'delivered msgs/s', 'p50 ms', 'p99 ms'], rows));

  const chat = table.ChatRoom!;
  const echo = table['EchoRoom (baseline)']!;
  const setting = [`${CLIENTS} clients in one room, ${SECONDS} s at the input rate after a 2 s settle; one phase per rate, latencies over every delivered frame`, modeNote].filter(Boolean).join('; ');
  const results: BenchResult[] = chat.flatMap((r, i) => {
    const suffix = r.rate === 50 ? '' : `-${r.rate}/s`;
    const delivered = `${r.delivered} of ${r.sent * CLIENTS} frames`;
    return [
      { name: `chat-fanout${suffix}`, value: r.perSecond, unit: 'msgs/s', baseline: 'EchoRoom (re-broadcast only)', baselineValue: echo[i]!.perSecond, better: 'higher' as const,
        goal: r.rate === 50 ? { ratioAtLeast: 0.8 } : {}, notes: `${r.rate} msg/s in, ${delivered}; ${setting}` },
      { name: `chat-fanout-p99${suffix}`, value: r.p99, unit: 'ms', baseline: 'EchoRoom (re-broadcast only)', baselineValue: echo[i]!.p99, better: 'lower' as const,
        goal: r.rate === 50 ? { valueAtMost: 100 } : {}, notes: `p50 ${r.p50.toFixed(1)} ms (EchoRoom ${echo[i]!.p50.toFixed(1)}); send → receive on one clock; ${setting}` },
    ];
  });
  await writeResults('chat-fanout', results);
} finally {
  await runner.stop();
  await rm(home, { recursive: true, force: true });
}
