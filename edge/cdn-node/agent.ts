/**
 * The CDN node agent: runs beside nginx on every node, reports liveness and load to the edge's
 * node registry, and on SIGTERM announces `draining` before nginx stops, so the edge stops
 * sending viewers here before the node disappears. With NGINX_CONF set it also runs nginx itself
 * (local stack); on a farm host nginx is a system service and the agent only heartbeats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import pino from 'pino';
import { z } from 'zod';
import type { NodeHeartbeat, NodeLoadReport } from '../../contracts/nodes.ts';
import { cpuFraction, egressMbps, parseTransmittedBytes } from './host-load.ts';
import { busyConnections, parseStubStatus } from './stub-status.ts';

const config = z
  .object({
    NODE_ID: z.string().regex(/^[a-z0-9-]{1,64}$/, 'lowercase letters, digits and dashes'),
    NODE_URL: z.string().url(),
    NODE_REGION: z.string().default('local'),
    NODE_CAPACITY: z.coerce.number().int().positive().default(500),
    EDGE_URL: z.string().url().default('http://127.0.0.1:8787'),
    // This node's own heartbeat token (edge/src/nodes/node-token.ts), never the edge's internal secret.
    NODE_TOKEN: z.string().min(16, 'NODE_TOKEN: the heartbeat token derived for this node id'),
    HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(1000).default(10_000),
    NGINX_CONF: z.string().optional(),
    NGINX_BIN: z.string().default('nginx'),
  })
  .parse(process.env);

const log = pino({ base: { service: 'cdn-agent', nodeId: config.NODE_ID } });
let nginx: ChildProcess | undefined;
let state: 'live' | 'draining' = 'live';
let lastHeartbeatOk: boolean | undefined;

let lastTransmit: { at: number; bytes: Map<string, number> } | undefined;

async function measureEgress(): Promise<number> {
  const bytes = parseTransmittedBytes(await readFile('/proc/net/dev', 'utf8').catch(() => ''));
  const now = performance.now();
  const mbps = lastTransmit ? egressMbps(lastTransmit.bytes, bytes, (now - lastTransmit.at) / 1000) : 0;
  lastTransmit = { at: now, bytes };
  return mbps;
}

async function currentLoad(): Promise<NodeLoadReport> {
  const response = await fetch(new URL('/nginx-status', config.NODE_URL), { signal: AbortSignal.timeout(2_000) });
  const status = parseStubStatus(await response.text());
  if ('error' in status) throw new Error(status.error);
  return { connections: busyConnections(status), egressMbps: await measureEgress(), cpu: cpuFraction(loadavg()[0] ?? 0, cpus().length) };
}

async function heartbeat(): Promise<void> {
  try {
    // While draining nginx may already be stopping: report full load rather than nothing.
    const full: NodeLoadReport = { connections: config.NODE_CAPACITY, egressMbps: 0, cpu: 1 };
    const load = state === 'draining' ? await currentLoad().catch(() => full) : await currentLoad();
    const body: NodeHeartbeat = { id: config.NODE_ID, url: config.NODE_URL, region: config.NODE_REGION, capacity: config.NODE_CAPACITY, load, state };
    const response = await fetch(new URL('/internal/nodes/heartbeat', config.EDGE_URL), {
      method: 'POST',
      headers: { authorization: `Bearer ${config.NODE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) throw new Error(`edge answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    if (lastHeartbeatOk !== true) log.info({ event: 'heartbeat_ok', load, state }, 'registered with the edge');
    lastHeartbeatOk = true;
  } catch (error) {
    // Logged once per outage, not on every beat.
    if (lastHeartbeatOk !== false) log.warn({ event: 'heartbeat_failed', err: (error as Error).message }, 'heartbeat failed; retrying');
    lastHeartbeatOk = false;
  }
}

function startNginx(conf: string): void {
  nginx = spawn(config.NGINX_BIN, ['-c', conf], { stdio: ['ignore', 'inherit', 'inherit'] });
  nginx.on('exit', (code, signal) => {
    log.error({ event: 'nginx_exit', code, signal }, 'nginx exited');
    if (state === 'live') process.exit(1);
  });
}

async function drainAndStop(): Promise<void> {
  if (state === 'draining') return;
  state = 'draining';
  log.info({ event: 'draining' }, 'announcing drain to the edge');
  await heartbeat();
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGQUIT'); // graceful: finish in-flight responses
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (nginx.exitCode === null) nginx.kill('SIGKILL');
  }
  process.exit(0);
}

if (config.NGINX_CONF) startNginx(config.NGINX_CONF);
process.on('SIGTERM', () => void drainAndStop());
process.on('SIGINT', () => void drainAndStop());
// nginx needs a moment to bind before its status page answers.
setTimeout(() => void heartbeat(), 300);
setInterval(() => void heartbeat(), config.HEARTBEAT_INTERVAL_MS).unref();
// Keep the process alive while only the interval (unref'd) and nginx remain.
setInterval(() => {}, 1 << 30);
