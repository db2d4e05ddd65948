// Bounded HTTP loads: closed-loop (N keep-alive loops, one request after another) and open-loop (a fixed rate).
import { Agent, get } from 'node:http';

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Called once the warm-up ends (e.g. to read CPU counters). */
  onMeasureStart?: () => void | Promise<void>;
  /** Sent with every request (e.g. the operator token a private gateway asks for). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Status codes other than 200, with counts, so a refusal is visible rather than fast. */
  otherStatuses: Record<string, number>;
  seconds: number;
  bytes: number;
  /** Latencies of the 200 answers after the warm-up, ascending. */
  latenciesMs: Float64Array;
}

function getOnce(agent: Agent, url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
  });
}

/** Runs the load against `url`; only requests sent after the warm-up count. */
export async function httpLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  const latencies: number[] = [];
  const result = { requests: 0, errors: 0, otherStatuses: {} as Record<string, number>, seconds: options.durationMs / 1000, bytes: 0 };
  const started = new Promise<void>((resolve) => setTimeout(() => void Promise.resolve(options.onMeasureStart?.()).then(() => resolve()), options.warmupMs));
  const loop = async () => {
    while (performance.now() < endAt) {
      const sent = performance.now();
      const outcome = await getOnce(agent, url, options.headers).catch(() => ({ status: 0, bytes: 0 }));
      if (sent < measureFrom) continue;
      result.requests += 1;
      result.bytes += outcome.bytes;
      if (outcome.status === 200) latencies.push(performance.now() - sent);
      else {
        result.errors += 1;
        result.otherStatuses[outcome.status] = (result.otherStatuses[outcome.status] ?? 0) + 1;
      }
    }
  };
  await Promise.all([started, ...Array.from({ length: options.concurrency }, loop)]);
  agent.destroy();
  return { ...result, latenciesMs: Float64Array.from(latencies).sort() };
}

export interface OpenLoadOptions {
  /** Requests started per second, on a fixed schedule whatever the answers do (an open loop). */
  ratePerSecond: number;
  durationMs: number;
  warmupMs: number;
  headers?: Record<string, string>;
  /** Requests in flight at most; a request due while that many are open counts as an error (the server fell behind). */
  maxInFlight?: number;
}

/**
 * A bounded open-loop HTTP load: one request every 1/rate s on a fixed schedule, each timed from when it was due
 * (not when it could go), so a slow answer cannot hide the queue behind it (no coordinated omission).
 */
export async function httpOpenLoad(url: string | ((index: number) => { url: string; headers?: Record<string, string> }), options: OpenLoadOptions): Promise<LoadResult> {
  // One URL for every request, or the i-th request's own (distinct objects, each with its own signed headers).
  const target = typeof url === 'string' ? () => ({ url, headers: options.headers }) : url;
  const maxInFlight = options.maxInFlight ?? 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const intervalMs = 1000 / options.ratePerSecond;
  const startedAt = performance.now();
  const measureFrom = startedAt + options.warmupMs;
  const total = Math.floor((options.warmupMs + options.durationMs) / intervalMs);
  const latencies: number[] = [];
  const result = { requests: 0, errors: 0, otherStatuses: {} as Record<string, number>, seconds: options.durationMs / 1000, bytes: 0 };
  const pending: Promise<void>[] = [];
  let inFlight = 0;
  for (let i = 0; i < total; i += 1) {
    const due = startedAt + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const counted = due >= measureFrom;
    if (inFlight >= maxInFlight) {
      if (counted) {
        result.requests += 1;
        result.errors += 1;
        result.otherStatuses.overload = (result.otherStatuses.overload ?? 0) + 1;
      }
      continue;
    }
    inFlight += 1;
    pending.push(
      Promise.resolve(target(i))
        .then((request) => getOnce(agent, request.url, request.headers))
        .catch(() => ({ status: 0, bytes: 0 }))
        .then((outcome) => {
          inFlight -= 1;
          if (!counted) return;
          result.requests += 1;
          result.bytes += outcome.bytes;
          if (outcome.status === 200) latencies.push(performance.now() - due);
          else {
            result.errors += 1;
            result.otherStatuses[outcome.status] = (result.otherStatuses[outcome.status] ?? 0) + 1;
          }
        }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { ...result, latenciesMs: Float64Array.from(latencies).sort() };
}
