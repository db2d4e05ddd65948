import { Connection } from '@temporalio/client';
import type { Admin } from 'kafkajs';
import type { HealthCheck } from './run-checks.ts';

/** MinIO's own liveness endpoint; no credentials needed. */
export function minioCheck(endpoint: string): HealthCheck {
  return {
    name: 'minio',
    critical: false,
    async run(signal) {
      const response = await fetch(new URL('/minio/health/live', endpoint), { signal });
      if (!response.ok) throw new Error(`MinIO at ${endpoint} answered ${response.status}`);
    },
  };
}

/** Asks the Temporal frontend for its system info over a connection made once and reused. */
export function temporalCheck(address: string): HealthCheck {
  let connection: Promise<Connection> | undefined;
  return {
    name: 'temporal',
    critical: false,
    async run() {
      connection ??= Connection.connect({ address, connectTimeout: 1_500 }).catch((error) => {
        connection = undefined;
        throw error;
      });
      const conn = await connection;
      await conn.workflowService.getSystemInfo({});
    },
  };
}

/** Kafka's cluster metadata through an admin client the origin keeps connected. */
export function kafkaCheck(admin: Admin): HealthCheck {
  let connected: Promise<void> | undefined;
  return {
    name: 'kafka',
    critical: false,
    async run() {
      connected ??= admin.connect().catch((error) => {
        connected = undefined;
        throw error;
      });
      await connected;
      await admin.describeCluster();
    },
  };
}

/** The metadata DB is the one dependency without which the origin cannot answer anything. */
export function databaseCheck(query: () => Promise<unknown>): HealthCheck {
  return { name: 'database', critical: true, run: async () => void (await query()) };
}

/** ClickHouse's own ping; analytics are best-effort, so this never makes the origin `down`. */
export function clickhouseCheck(url: string): HealthCheck {
  return {
    name: 'clickhouse',
    critical: false,
    async run(signal) {
      const response = await fetch(new URL('/ping', url), { signal });
      if (!response.ok) throw new Error(`ClickHouse at ${url} answered ${response.status}`);
    },
  };
}
