import { join } from 'node:path';
import type { StackPorts } from '../contracts/local-ports.ts';
import { dataDir as defaultDataDir } from './paths.ts';
import type { StackSecrets } from './secrets.ts';

/**
 * A long-running process of the local stack (MinIO, Kafka, the origin, …).
 * `vora dev` and the test harness start the same specs; only the set differs.
 */
export interface ComponentSpec {
  /** Short name: also the log file `.vora/logs/{name}.log`. */
  name: string;
  /** What a person opens or connects to, shown in the readiness table. */
  url: string;
  /** Ports that must be free before start (a taken one is a clear error). */
  ports: number[];
  /** Work that needs none of the dependencies (building the process's code): started with the whole stack, awaited before `command()`. */
  prepare?(): Promise<void>;
  /** Resolves the command line at start time (after provisioning found the binaries). */
  command(): Promise<{ cmd: string; args: string[]; env?: Record<string, string>; cwd?: string }>;
  /** Resolves once the component answers; throws with the cause if it cannot. Polled by the runner. */
  probe(): Promise<void>;
  /** One-time setup after the first successful probe (buckets, topics). Must be idempotent. */
  afterReady?(): Promise<void>;
  /** Names of components that must be ready first. */
  dependsOn?: string[];
  /** Upper bound for time to ready, in ms. */
  readyTimeoutMs?: number;
  /** First signal to the process group on stop (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). SIGKILL follows after the grace. */
  stopSignal?: NodeJS.Signals;
}

/** What a component factory needs to describe its process: where it listens, keeps data and logs, and its secrets. */
export interface StackContext {
  ports: StackPorts;
  /** Root of this stack's run-time data (`.vora/` for `npm start`, a temp dir for tests). */
  dataDir: string;
  logDir: string;
  secrets: StackSecrets;
}

export function stackContext(ports: StackPorts, secrets: StackSecrets, dataDir = defaultDataDir): StackContext {
  return { ports, dataDir, logDir: join(dataDir, 'logs'), secrets };
}
