// A bounded closed-loop HTTP load: N keep-alive loops, each one request after another, for a fixed time.
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
