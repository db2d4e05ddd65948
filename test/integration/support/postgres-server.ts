import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { postgresComponent } from '../../../stack/components/postgres.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { freePort } from '../../support/ports.ts';

export interface PostgresServer {
  /** `postgres://vora@127.0.0.1:{port}/vora`. */
  url: string;
  /** The server's PID (it leads its process group). */
  pid: number;
  /** Fast shutdown by PID, waiting until the server has exited. */
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL server (no fsync) under `dir` on a free port, run by the stack's runner. */
export async function startThrowawayPostgres(dir: string): Promise<PostgresServer> {
  // As root the server runs as `postgres`, which must be able to enter the (mkdtemp, owner-only) folder.
  await chmod(dir, 0o711);
  const spec = postgresComponent({ dataDir: dir, port: await freePort(), durable: false });
  const runner = new StackRunner([spec], join(dir, 'logs'));
  try {
    await runner.start();
  } catch (error) {
    await runner.stop();
    throw error;
  }
  return { url: spec.url, pid: runner.pids()[0]!, stop: () => runner.stop() };
}
