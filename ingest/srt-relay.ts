/**
 * The SRT relay of an ingest node: asks the origin which live inputs take SRT (`GET /internal/live/srt-relays`) and
 * runs one FFmpeg SRT listener per input on its port, with its passphrase (a wrong one is refused by libsrt in the
 * handshake), relaying `-c copy` into this node's RTMP application with the input's relay key — so nginx-rtmp's
 * on_publish authorizes it like any publisher and the ladder, recording and status work unchanged. FFmpeg exits
 * when its publisher leaves; the listener is started again at once. Run: `node --import tsx ingest/srt-relay.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import pino from 'pino';
import { z } from 'zod';
import { SrtRelayList, type SrtRelayInput } from '../contracts/live-inputs.ts';
import { planRelays, relayRestartDelayMs, srtRelayArgs } from './srt-relay-plan.ts';

export const RelayConfig = z.object({
  VORA_ORIGIN_URL: z.string().regex(/^https?:\/\/\S+$/, 'VORA_ORIGIN_URL must be the origin\'s http(s) URL, e.g. http://127.0.0.1:8080'),
  VORA_INTERNAL_SECRET: z.string({ error: 'VORA_INTERNAL_SECRET is required: the secret the ingest hooks call the origin with' }).min(16),
  VORA_INGEST_RTMP_BASE: z.string().regex(/^rtmp:\/\/\S+$/).default('rtmp://127.0.0.1:1935/live'),
  VORA_SRT_LISTEN_HOST: z.string().default('127.0.0.1'),
  VORA_SRT_LATENCY_MS: z.coerce.number().int().min(20).max(8000).default(120),
  VORA_SRT_POLL_SECONDS: z.coerce.number().min(0.2).max(300).default(5),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  /** Touched after each successful read of the relays: the stack's readiness probe looks for it. */
  VORA_SRT_READY_FILE: z.string().optional(),
  LOG_LEVEL: z.string().default('info'),
});
export type RelayConfig = z.infer<typeof RelayConfig>;

interface Listener {
  input: SrtRelayInput;
  child: ChildProcess | null;
  startedAt: number;
  failures: number;
  stopped: boolean;
  timer: NodeJS.Timeout | null;
}

export function startSrtRelay(config: RelayConfig, log: pino.Logger): { stop(): Promise<void> } {
  const listeners = new Map<string, Listener>();
  const running = () => new Map([...listeners].map(([id, listener]) => [id, listener.input]));

  const listen = (listener: Listener) => {
    listener.timer = null;
    if (listener.stopped) return;
    const { input } = listener;
    const child = spawn(config.FFMPEG_PATH, srtRelayArgs(input, { listenHost: config.VORA_SRT_LISTEN_HOST, rtmpBase: config.VORA_INGEST_RTMP_BASE, latencyMs: config.VORA_SRT_LATENCY_MS }), { stdio: ['ignore', 'ignore', 'pipe'] });
    listener.child = child;
    listener.startedAt = Date.now();
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    log.info({ event: 'srt_listening', liveInputId: input.liveInputId, port: input.port, pid: child.pid }, 'SRT listener up');
    child.once('exit', (code, signal) => {
      listener.child = null;
      if (listener.stopped) return;
      // A session that carried media ran a while; one that ends at once (port taken, RTMP refused) backs off.
      const ranMs = Date.now() - listener.startedAt;
      listener.failures = code === 0 || ranMs > 10_000 ? 0 : listener.failures + 1;
      // The passphrase is in FFmpeg's arguments, never in its stderr tail; the tail says why it ended.
      log.info({ event: 'srt_session_ended', liveInputId: input.liveInputId, port: input.port, code, signal, ranMs, failures: listener.failures, stderr: stderr.trim().split('\n').slice(-3).join(' | ') }, 'SRT listener exited; listening again');
      listener.timer = setTimeout(() => listen(listener), relayRestartDelayMs(listener.failures));
    });
  };

  const stopListener = async (id: string) => {
    const listener = listeners.get(id);
    if (!listener) return;
    listeners.delete(id);
    listener.stopped = true;
    if (listener.timer) clearTimeout(listener.timer);
    const child = listener.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killTimer);
    }
    log.info({ event: 'srt_listener_stopped', liveInputId: id }, 'SRT listener stopped');
  };

  let polling = true;
  let lastError = '';
  const poll = async () => {
    try {
      const response = await fetch(`${config.VORA_ORIGIN_URL.replace(/\/+$/, '')}/internal/live/srt-relays?s=${encodeURIComponent(config.VORA_INTERNAL_SECRET)}`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`the origin answered ${response.status} to /internal/live/srt-relays: ${(await response.text()).slice(0, 200)}`);
      const { relays } = SrtRelayList.parse(await response.json());
      const plan = planRelays(running(), relays);
      for (const id of plan.stop) await stopListener(id);
      for (const input of plan.start) {
        const listener: Listener = { input, child: null, startedAt: 0, failures: 0, stopped: false, timer: null };
        listeners.set(input.liveInputId, listener);
        listen(listener);
      }
      lastError = '';
      if (config.VORA_SRT_READY_FILE) await writeFile(config.VORA_SRT_READY_FILE, `${new Date().toISOString()} ${listeners.size} listeners\n`);
    } catch (error) {
      // Listeners keep running while the origin is away; logged once per distinct cause.
      const message = (error as Error).message;
      if (message !== lastError) log.warn({ event: 'srt_relays_unreadable', err: message }, 'could not read the SRT relays from the origin; keeping the current listeners');
      lastError = message;
    }
  };
  let pollTimer: NodeJS.Timeout | null = null;
  const loop = async () => {
    await poll();
    if (polling) pollTimer = setTimeout(() => void loop(), config.VORA_SRT_POLL_SECONDS * 1000);
  };
  void loop();

  return {
    async stop() {
      polling = false;
      if (pollTimer) clearTimeout(pollTimer);
      await Promise.all([...listeners.keys()].map(stopListener));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const parsed = RelayConfig.safeParse(process.env);
  if (!parsed.success) {
    console.error(`srt-relay: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    process.exit(2);
  }
  const log = pino({ level: parsed.data.LOG_LEVEL, base: { component: 'srt-relay' } });
  const relay = startSrtRelay(parsed.data, log);
  log.info({ event: 'srt_relay_started', origin: parsed.data.VORA_ORIGIN_URL, rtmpBase: parsed.data.VORA_INGEST_RTMP_BASE }, 'SRT relay started');
  const shutdown = async (signal: string) => {
    log.info({ event: 'shutdown', signal }, 'stopping SRT listeners');
    await relay.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
