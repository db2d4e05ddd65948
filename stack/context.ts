import { join } from 'node:path';
import { dataDir as defaultDataDir } from './paths.ts';

/** Every port the local stack listens on (all bound to 127.0.0.1). Defaults are ARCHITECTURE.md's. */
export interface StackPorts {
  origin: number;
  edge: number;
  /** Worker inspector of `wrangler dev`. */
  edgeInspector: number;
  minio: number;
  minioConsole: number;
  temporal: number;
  temporalUi: number;
  kafka: number;
  kafkaController: number;
  clickhouseHttp: number;
  clickhouseTcp: number;
  cdnNodes: [number, number, number];
}

export const defaultPorts: StackPorts = {
  origin: 8080,
  edge: 8787,
  edgeInspector: 9229,
  minio: 9000,
  minioConsole: 9001,
  temporal: 7233,
  temporalUi: 8233,
  kafka: 9092,
  kafkaController: 9093,
  clickhouseHttp: 8123,
  clickhouseTcp: 9009,
  cdnNodes: [8081, 8082, 8083],
};

/** The test harness runs its own stack beside a developer's `npm start`: same layout, shifted ports. */
export function shiftedPorts(offset: number): StackPorts {
  const shifted = Object.fromEntries(
    Object.entries(defaultPorts).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map((port) => port + offset) : value + offset,
    ]),
  );
  return shifted as unknown as StackPorts;
}

/** Local secrets, generated once into `.vora/secrets.json` (mode 0600) unless given by the environment. */
export interface StackSecrets {
  /** Operator API token (`VORA_API_TOKEN`). */
  apiToken: string;
  /** Shared secret between the origin and the edge's `/internal/*` routes (`VORA_INTERNAL_SECRET`). */
  internalSecret: string;
  /** HMAC key the edge signs segment URLs with and every nginx CDN node verifies (`VORA_NODE_KEY`). */
  nodeKey: string;
  /** MinIO root credentials (`MINIO_ROOT_USER` / `MINIO_ROOT_PASSWORD`). */
  minioUser: string;
  minioPassword: string;
}

/** What a component factory needs to describe its process. */
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
