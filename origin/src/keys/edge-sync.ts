import type { Logger } from 'pino';
import type { Sql } from '../db/sql.ts';
import { publicKeySet } from './signing-keys.ts';

export interface JwksSync {
  /** Sends the current public key set to the edge; resolves false (logged) when the edge is unreachable. */
  push(): Promise<boolean>;
  stop(): void;
}

/**
 * Keeps the edge's KV `jwks` equal to the keys in the DB: pushed at start, after every change, and
 * every `intervalMs` as a safety net (an edge that lost its KV, or was down during a change, catches up).
 */
export function startJwksSync(deps: { sql: Sql; edgeUrl: string; internalSecret: string | undefined; log: Logger; intervalMs?: number }): JwksSync {
  let lastOk: boolean | undefined;
  const push = async (): Promise<boolean> => {
    if (!deps.internalSecret) {
      if (lastOk !== false) deps.log.warn({ event: 'jwks_sync_disabled' }, 'VORA_INTERNAL_SECRET is not set: playback keys cannot reach the edge');
      lastOk = false;
      return false;
    }
    try {
      const jwks = await publicKeySet(deps.sql);
      const response = await fetch(new URL('/internal/keys', deps.edgeUrl), {
        method: 'PUT',
        headers: { authorization: `Bearer ${deps.internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(jwks),
        signal: AbortSignal.timeout(3_000),
      });
      if (!response.ok) throw new Error(`edge answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      if (lastOk !== true) deps.log.info({ event: 'jwks_synced', keys: jwks.keys.length }, 'playback keys are on the edge');
      lastOk = true;
      return true;
    } catch (error) {
      if (lastOk !== false) deps.log.warn({ event: 'jwks_sync_failed', err: (error as Error).message, edgeUrl: deps.edgeUrl }, 'could not push playback keys to the edge; retrying');
      lastOk = false;
      return false;
    }
  };
  void push();
  const timer = setInterval(() => void push(), deps.intervalMs ?? 30_000);
  timer.unref();
  return { push, stop: () => clearInterval(timer) };
}
