import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { ComponentSpec, StackContext } from '../component.ts';
import { temporalTool } from '../tools/temporal.ts';

/**
 * Ports the dev server opens beyond StackPorts, derived so two stacks (defaults and shifted) never share one:
 * HTTP API = gRPC + 10 (7243), metrics = gRPC + 11 (7244). Its internal services take ephemeral ports (32768+).
 */
export function temporalExtraPorts(grpcPort: number): { http: number; metrics: number } {
  return { http: grpcPort + 10, metrics: grpcPort + 11 };
}

const probeTimeoutMs = 2_000;

/** Opens a short-lived connection, runs `use` under a deadline, and always closes it. */
export async function withTemporalConnection<T>(address: string, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: probeTimeoutMs });
  try {
    return await connection.withDeadline(Date.now() + probeTimeoutMs, () => use(connection));
  } finally {
    await connection.close();
  }
}

/** The Temporal dev server (SQLite file under the stack's data dir), with its Web UI. */
export function temporalComponent(ctx: StackContext): ComponentSpec {
  const { temporal: grpcPort, temporalUi: uiPort } = ctx.ports;
  const extra = temporalExtraPorts(grpcPort);
  const address = `127.0.0.1:${grpcPort}`;
  const stateDir = join(ctx.dataDir, 'temporal');
  return {
    name: 'temporal',
    url: `http://127.0.0.1:${uiPort} (gRPC ${address})`,
    ports: [grpcPort, uiPort, extra.http, extra.metrics],
    async command() {
      const binary = await temporalTool.locate();
      if (!binary) throw new Error(`temporal CLI not found: ${temporalTool.fix}`);
      await mkdir(stateDir, { recursive: true });
      const args = [
        'server', 'start-dev',
        '--ip', '127.0.0.1',
        '--port', String(grpcPort),
        '--ui-port', String(uiPort),
        '--http-port', String(extra.http),
        '--metrics-port', String(extra.metrics),
        '--db-filename', join(stateDir, 'temporal.db'),
        '--namespace', 'default',
        '--log-level', 'warn',
      ];
      return { cmd: binary, args };
    },
    async probe() {
      // The gRPC port opens before the namespace is registered: ready means `default` answers.
      await withTemporalConnection(address, (connection) =>
        connection.workflowService.describeNamespace({ namespace: 'default' }),
      );
    },
    readyTimeoutMs: 30_000,
  };
}
