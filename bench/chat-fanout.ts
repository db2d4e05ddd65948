/**
 * One room, 1,000 WebSocket clients on the local edge (`wrangler dev`): delivery latency seen by a few probe
 * sockets and delivered messages/s at 10, 50 and 100 messages/s of input, for the real ChatRoom (token-verified
 * join, parsing, rules, SQLite history) against EchoRoom, a minimal object that only re-broadcasts.
 *
 * Fairness: the receiving load sockets live in worker threads (`lib/chat-load-worker.ts`) and count messages on
 * the raw bytes; latency comes only from `PROBES` sockets on the main thread, each message stamped with the wall
 * time it was due (the sender is paced open-loop, so a late send counts as latency); both rooms run under the
 * same `wrangler dev`, a fresh room each round, sides alternating, the worker idle before each side, and the
 * figures are the median over rounds. workerd's CPU per 1,000 deliveries is a figure of its own (it does not
 * depend on what else the machine runs).
 *
 * Usage: `npx tsx bench/chat-fanout.ts [clients] [seconds]` (defaults 1000 and 10; env BENCH_CHAT_CLIENTS /
 * BENCH_CHAT_SECONDS, BENCH_CHAT_RATES (10,50,100), BENCH_CHAT_ROUNDS (3), BENCH_CHAT_THREADS (2), BENCH_CHAT_PROTOCOL (the ChatRoom clients'
 * `v`, 2: the watch page's) through `npm run bench`; `--quick`: 50 clients, 2 s, 50 msg/s only, 1 round).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { stackContext } from '../stack/component.ts';
import { repoRoot } from '../stack/paths.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { formatTable } from '../cli/lib/table.ts';
import { stampLatencies, stampText } from './lib/chat-stamps.ts';
import type { LoadWorkerData } from './lib/chat-load-worker.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { boxCpuTimes, idlePercentBetween, processGroupCpuMs } from './lib/process.ts';
import { tsWorker } from './lib/ts-worker.ts';
import { median, percentile, writeResults, type BenchResult } from './lib/results.ts';
import { repoWranglerToml, workerComponent, workerConfig } from './lib/wrangler.ts';

// `ws` is in node_modules (a wrangler dependency) without types; Node 20 has no global WebSocket.
interface WsClient {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  send(data: string): void;
  terminate(): void;
}
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: new (url: string, options: object) => WsClient };

const CLIENTS = numberSetting({ env: 'BENCH_CHAT_CLIENTS', position: 0 }, { full: 1000, quick: 50 });
const SECONDS = numberSetting({ env: 'BENCH_CHAT_SECONDS', position: 1 }, { full: 10, quick: 2 });
const ROUNDS = numberSetting({ env: 'BENCH_CHAT_ROUNDS', position: 2 }, { full: 3, quick: 1 });
const THREADS = numberSetting({ env: 'BENCH_CHAT_THREADS', position: 3 }, { full: 2, quick: 1 });
const PROTOCOL = numberSetting({ env: 'BENCH_CHAT_PROTOCOL', position: 4 }, { full: 2, quick: 2 });
/** Sockets on the main thread that time every message; the rest of the room (but the sender) is load. */
const PROBES = Math.min(10, Math.max(1, Math.floor(CLIENTS / 20)));
/** 50 msg/s is the figure of record; 10 and 100 show the trend around it (BENCH_CHAT_RATES=50 for a sweep of client counts). */
const RATES = process.env.BENCH_CHAT_RATES ? process.env.BENCH_CHAT_RATES.split(',').map(Number) : quick ? [50] : [10, 50, 100];
if (!RATES.every((rate) => Number.isFinite(rate) && rate > 0)) throw new Error(`BENCH_CHAT_RATES must be messages/s separated by commas (e.g. 10,50), got ${process.env.BENCH_CHAT_RATES}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wallNow = () => performance.timeOrigin + performance.now();

/** The repo's worker with EchoRoom added, from the bench-only entry (bench/workers/chat-fanout-entry.ts). */
async function benchWranglerConfig(dir: string): Promise<string> {
  const toml = repoWranglerToml(await readFile(join(repoRoot, 'wrangler.toml'), 'utf8')).replace('new_sqlite_classes = ["ChatRoom"]', 'new_sqlite_classes = ["ChatRoom", "EchoRoom"]');
  const echo = '\n[[durable_objects.bindings]]\nname = "ECHO_ROOMS"\nclass_name = "EchoRoom"\n';
  return workerConfig(dir, `${toml}${echo}`, join(repoRoot, 'bench/workers/chat-fanout-entry.ts'));
}

async function openSocket(url: string, onFrame: (data: Buffer) => void, dropped: { count: number }): Promise<WsClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  socket.on('message', onFrame);
  socket.on('close', () => (dropped.count += 1));
  return socket;
}

/** A load thread and the shared slots it counts into (see LoadWorkerData). */
class LoadThread {
  readonly counts = new Int32Array(new SharedArrayBuffer(12));
  readonly lastAt = new Float64Array(new SharedArrayBuffer(8));
  readonly worker: Worker;
  readonly connected: Promise<number>;

  constructor(urls: string[]) {
    const data: LoadWorkerData = { urls, counters: this.counts.buffer as SharedArrayBuffer, lastAt: this.lastAt.buffer as SharedArrayBuffer };
    this.worker = tsWorker(new URL('./lib/chat-load-worker.ts', import.meta.url), data);
    // A thread that dies loses its counts: say so rather than let the figures lie.
    this.worker.on('error', (error) => console.log(`a load thread failed: ${error.message}`));
    this.connected = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (message: { type: string; count?: number; error?: string }) => {
        if (message.type === 'connected') resolve(message.count!);
        if (message.type === 'failed') reject(new Error(`a load thread could not connect: ${message.error}`));
      });
    });
  }

  startPhase(phase: number) {
    Atomics.store(this.counts, 1, 0);
    Atomics.store(this.counts, 0, phase);
  }

  received = () => Atomics.load(this.counts, 1);
  closedByServer = () => Atomics.load(this.counts, 2);

  /** Closes the thread's sockets and ends it; a thread that already ended (or hangs) must not stall the run. */
  async close() {
    const closed = new Promise((resolve) => {
      this.worker.on('message', (message: { type: string }) => message.type === 'closed' && resolve(null));
      this.worker.once('exit', resolve);
      setTimeout(resolve, 10_000);
    });
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
  }
}

/** Waits until the worker processes use < 5 % of a core over 1 s (the previous side's closes are done), at most 60 s. */
async function workerIdle(pgid: number) {
  const deadline = Date.now() + 60_000;
  let before = await processGroupCpuMs(pgid);
  while (Date.now() < deadline) {
    await sleep(1000);
    const now = await processGroupCpuMs(pgid);
    if (now - before < 50) return;
    before = now;
  }
  console.log('warning: the worker did not settle within 60 s');
}

interface PhaseResult {
  rate: number; sent: number; delivered: number; expected: number; perSecond: number; p50: number; p99: number; cpuPer1000: number; probeSamples: number;
  /** While the sender ran: the box's unused CPU (all cores) and this process's (probes, sender, load threads) in % of one core. */
  boxIdlePercent: number; clientCpuPercent: number;
}

interface Side { name: string; urls(room: string, count: number): Promise<string[]>; prepare(room: string): Promise<void> }

let phaseCounter = 0;

async function runSide(side: Side, room: string, pgid: number): Promise<PhaseResult[]> {
  await side.prepare(room);
  const urls = await side.urls(room, CLIENTS);
  const dropped = { count: 0 };
  const latencies: number[] = [];
  let probePhase = 0;
  const connectStart = performance.now();
  const sender = await openSocket(urls[0]!, () => {}, dropped);
  const probes = await Promise.all(
    urls.slice(1, 1 + PROBES).map((url) => openSocket(url, (data) => latencies.push(...stampLatencies(data.toString(), probePhase, wallNow())), dropped)),
  );
  const loadUrls = urls.slice(1 + PROBES);
  const threads = Array.from({ length: THREADS }, (_, t) => new LoadThread(loadUrls.filter((_, i) => i % THREADS === t)));
  const loads = (await Promise.all(threads.map((thread) => thread.connected))).reduce((a, b) => a + b, 0);
  console.log(`${side.name} (${room}): ${1 + probes.length + loads} clients connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`);
  await workerIdle(pgid);

  const results: PhaseResult[] = [];
  for (const rate of RATES) {
    const phase = ++phaseCounter;
    latencies.length = 0;
    probePhase = phase;
    for (const thread of threads) thread.startPhase(phase);
    const receivers = probes.length + loads;
    const delivered = () => threads.reduce((sum, thread) => sum + thread.received(), 0) + latencies.length;
    const cpuBefore = await processGroupCpuMs(pgid);
    const boxBefore = await boxCpuTimes();
    const clientBefore = process.cpuUsage();
    const started = wallNow();
    let sent = 0;
    // Open loop: the n-th message is due at started + n / rate and carries that time, however late it leaves.
    for (let due = started; due < started + SECONDS * 1000; due = started + (sent * 1000) / rate) {
      const wait = due - wallNow();
      if (wait > 0) await sleep(wait);
      sender.send(JSON.stringify({ type: 'send', text: stampText(phase, due), nonce: `${phase}-${sent}` }));
      sent += 1;
    }
    const sendEnd = wallNow();
    const boxIdlePercent = idlePercentBetween(boxBefore, await boxCpuTimes());
    const clientCpu = process.cpuUsage(clientBefore);
    const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1000 / (sendEnd - started)) * 100;
    // Drain: until every receiver holds every message, or 2 s without progress (at most 30 s).
    const expected = sent * receivers;
    let progressAt = wallNow();
    let seen = delivered();
    while (seen < expected && wallNow() - sendEnd < 30_000 && wallNow() - progressAt < 2000) {
      await sleep(50);
      const now = delivered();
      if (now > seen) progressAt = wallNow();
      seen = now;
    }
    const cpuMs = (await processGroupCpuMs(pgid)) - cpuBefore;
    const lastAt = Math.max(sendEnd, ...threads.map((thread) => thread.lastAt[0]!));
    const sorted = Float64Array.from(latencies).sort();
    results.push({
      rate, sent, delivered: seen, expected, perSecond: seen / ((lastAt - started) / 1000),
      p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpuPer1000: (cpuMs / Math.max(1, seen)) * 1000, probeSamples: sorted.length, boxIdlePercent, clientCpuPercent,
    });
  }
  const closedByServer = dropped.count + threads.reduce((sum, thread) => sum + thread.closedByServer(), 0);
  // A socket closed by the server (a worker reload, a 4008) would make the numbers lie: say so.
  if (closedByServer > 0) console.log(`${side.name}: ${closedByServer} sockets were closed by the server during the run`);
  sender.terminate();
  for (const probe of probes) probe.terminate();
  await Promise.all(threads.map((thread) => thread.close()));
  await workerIdle(pgid);
  return results;
}

const home = await mkdtemp(join(tmpdir(), 'vora-bench-chat-'));
const ctx = stackContext(shiftedPorts(15000), await loadOrCreateSecrets(home), home);
const configPath = await benchWranglerConfig(home);
const edge = workerComponent(ctx, configPath);
const runner = new StackRunner([edge], ctx.logDir);
const base = edge.url;
const wsBase = base.replace('http', 'ws');
const internal = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'PUT', headers: { Authorization: `Bearer ${ctx.secrets.internalSecret}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

try {
  const started = performance.now();
  await runner.start();
  const pgid = runner.pids()[0]!;
  console.log(`edge ready in ${((performance.now() - started) / 1000).toFixed(1)} s on ${base}`);
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const keys = await internal('/internal/keys', { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'ES256', use: 'sig' }] });
  if (!keys.ok) throw new Error(`PUT /internal/keys: ${keys.status} ${await keys.text()}`);
  const exp = Math.floor(Date.now() / 1000) + 3600;

  const chatRoom: Side = {
    name: 'ChatRoom',
    // The sender posts up to 100 messages/s: lift the per-user rate limit for this room only.
    async prepare(room) {
      const rules = await internal(`/internal/rooms/${room}/rules`, { burst: 1000, ratePerSecond: 1000 });
      if (!rules.ok) throw new Error(`PUT rules: ${rules.status} ${await rules.text()}`);
    },
    urls: (room, count) =>
      Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const token = await new SignJWT({ sub: `bench-${i}`, name: `Bench ${i}`, role: i === 0 ? 'broadcaster' : 'viewer', room, exp })
            .setProtectedHeader({ alg: 'ES256', kid: 'bench-1' })
            .sign(privateKey);
          return `${wsBase}/rooms/${room}/ws?v=${PROTOCOL}&token=${token}`;
        }),
      ),
  };
  const echoRoom: Side = {
    name: 'EchoRoom (baseline)',
    async prepare() {},
    urls: async (room, count) => Array.from({ length: count }, () => `${wsBase}/bench/echo/${room}/ws`),
  };

  const rounds: Record<string, PhaseResult[][]> = { [chatRoom.name]: [], [echoRoom.name]: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which room goes first, so neither always meets a fresher machine.
    for (const side of round % 2 === 0 ? [chatRoom, echoRoom] : [echoRoom, chatRoom]) {
      rounds[side.name]!.push(await runSide(side, `fanout-${round}-${side === chatRoom ? 'chat' : 'echo'}`, pgid));
    }
  }

  const rows = Object.entries(rounds).flatMap(([name, perRound]) =>
    perRound.flatMap((phases, round) =>
      phases.map((r) => [name, String(round + 1), `${r.rate}/s`, `${r.delivered} / ${r.expected}`, r.perSecond.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.cpuPer1000.toFixed(1), r.clientCpuPercent.toFixed(0), r.boxIdlePercent.toFixed(0)]),
    ),
  );
  console.log(`\n${CLIENTS} clients in one room (${PROBES} probes, load on ${THREADS} threads), ${SECONDS} s per rate, ${ROUNDS} rounds\n`);
  console.log(formatTable(['room', 'round', 'input', 'delivered / expected', 'delivered msgs/s', 'probe p50 ms', 'probe p99 ms', 'worker CPU ms / 1,000 deliveries', 'clients CPU % of a core', 'box idle %'], rows));
  console.log('(clients CPU and box idle: while the sender ran; box idle near 0 means the two cores were full, and the tail is the queue for them)');

  /** The median over rounds of one figure of one rate. */
  const med = (name: string, rateIndex: number, pick: (r: PhaseResult) => number) => median(rounds[name]!.map((phases) => pick(phases[rateIndex]!)));
  const setting = [
    `${CLIENTS} clients in one room (1 sender, ${PROBES} probe sockets timing every message, the rest counting on ${THREADS} load threads), ChatRoom clients on protocol v${PROTOCOL}; ${SECONDS} s per rate, open-loop sender, median of ${ROUNDS} alternating rounds, fresh room each`,
    modeNote,
  ].filter(Boolean).join('; ');
  const results: BenchResult[] = RATES.flatMap((rate, i) => {
    const suffix = rate === 50 ? '' : `-${rate}/s`;
    const chat = (pick: (r: PhaseResult) => number) => med(chatRoom.name, i, pick);
    const echo = (pick: (r: PhaseResult) => number) => med(echoRoom.name, i, pick);
    const delivered = rounds[chatRoom.name]!.map((phases) => `${phases[i]!.delivered}/${phases[i]!.expected}`).join(', ');
    const echoDelivered = rounds[echoRoom.name]!.map((phases) => `${phases[i]!.delivered}/${phases[i]!.expected}`).join(', ');
    const baseline = 'EchoRoom (re-broadcast only)';
    return [
      { name: `chat-fanout${suffix}`, value: chat((r) => r.perSecond), unit: 'msgs/s', baseline, baselineValue: echo((r) => r.perSecond), better: 'higher' as const,
        goal: rate === 50 ? { ratioAtLeast: 0.8 } : {}, notes: `${rate} msg/s in; delivered per round ${delivered} (EchoRoom ${echoDelivered}); ${setting}` },
      { name: `chat-fanout-p99${suffix}`, value: chat((r) => r.p99), unit: 'ms', baseline, baselineValue: echo((r) => r.p99), better: 'lower' as const,
        goal: rate === 50 ? { valueAtMost: 100 } : {}, notes: `p50 ${chat((r) => r.p50).toFixed(1)} ms (EchoRoom ${echo((r) => r.p50).toFixed(1)}); due time → probe receipt, one clock; box idle while sending ${chat((r) => r.boxIdlePercent).toFixed(0)} %, the clients' process ${chat((r) => r.clientCpuPercent).toFixed(0)} % of a core; ${setting}` },
      { name: `chat-fanout-cpu${suffix}`, value: chat((r) => r.cpuPer1000), unit: 'CPU ms / 1,000 deliveries', baseline, baselineValue: echo((r) => r.cpuPer1000), better: 'lower' as const,
        goal: {}, notes: `wrangler dev's process group (workerd) CPU over the phase and its drain; ${setting}` },
    ];
  });
  await writeResults('chat-fanout', results);
} finally {
  await runner.stop();
  await rm(home, { recursive: true, force: true });
}
