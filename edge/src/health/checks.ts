import type { EdgeEnv } from '../env.ts';
import type { HealthCheckResult } from '../../../contracts/health.ts';

/** Each probe has a budget so a hung dependency makes /healthz slow by at most this much. */
export const PROBE_TIMEOUT_MS = 1500;

export interface EdgeProbe {
  name: string;
  critical: boolean;
  /** Resolves when the dependency answers; throws with the cause when it does not. */
  run(signal: AbortSignal): Promise<void>;
}

export function edgeProbes(env: EdgeEnv): EdgeProbe[] {
  return [
    { name: 'kv', critical: true, run: async () => void (await env.NODES.get('healthz:probe')) },
    {
      name: 'durableObjects',
      critical: true,
      // ':' cannot appear in a room name, so the probe object never collides with a real room.
      run: async () => {
        const answer = await env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName('healthz:probe')).ping();
        if (answer !== 'pong') throw new Error(`ChatRoom.ping() answered ${String(answer)}`);
      },
    },
    {
      name: 'origin',
      critical: false,
      run: async (signal) => {
        const url = `${env.ORIGIN_URL.replace(/\/+$/, '')}/healthz`;
        const response = await fetch(url, { signal }).catch((error: unknown) => {
          throw new Error(`origin not reachable at ${url} (${error instanceof Error ? error.message : String(error)}): is it running?`);
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      },
    },
  ];
}

/** Runs every probe at once, each bounded by PROBE_TIMEOUT_MS; failures become data, never exceptions. */
export function runProbes(probes: EdgeProbe[], timeoutMs = PROBE_TIMEOUT_MS): Promise<HealthCheckResult[]> {
  return Promise.all(
    probes.map(async ({ name, critical, run }) => {
      const started = Date.now();
      const signal = AbortSignal.timeout(timeoutMs);
      const timedOut = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`))),
      );
      try {
        await Promise.race([run(signal), timedOut]);
        return { name, critical, ok: true, ms: Date.now() - started };
      } catch (error) {
        return { name, critical, ok: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
