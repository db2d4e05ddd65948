/**
 * Real MinIO, Kafka and Temporal for the origin API tests, started by the stack's own runner on
 * ports shifted by 12000 (MinIO 21000/21001, Kafka 21092/21093, Temporal 19233, UI 19234, HTTP 19243,
 * metrics 19244): clear of the defaults, of the harness's +10000 stack and of the other test files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { shiftedPorts, type StackPorts } from '../../../contracts/local-ports.ts';
import { stackContext, type StackContext } from '../../../stack/component.ts';
import { kafkaComponent } from '../../../stack/components/kafka.ts';
import { minioClient, minioComponent } from '../../../stack/components/minio.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { fakeSecrets } from '../../support/secrets.ts';

export const apiStackOffset = 12000;

export interface ApiStack {
  ctx: StackContext;
  s3: S3Client;
  temporal: Client;
  kafkaBrokers: string[];
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the three servers (each ready and provisioned: buckets, topics, namespace). `ports` lets
 * another test file run its own copy (the CLI tests); by default the API tests' ports.
 */
export async function startApiStack(options: { kafka?: boolean; ports?: StackPorts } = {}): Promise<ApiStack> {
  // The UI port would be 20233 (outside the ranges tests may use): pin it next to gRPC.
  const ports = options.ports ?? { ...shiftedPorts(apiStackOffset), temporalUi: 19234 };
  const secrets = fakeSecrets();
  const dataDir = mkdtempSync(join(tmpdir(), 'vora-api-stack-'));
  const ctx = stackContext(ports, secrets, dataDir);
  const components = [minioComponent(ctx), temporalComponent(ctx), ...(options.kafka === false ? [] : [kafkaComponent(ctx)])];
  const runner = new StackRunner(components, ctx.logDir);
  const startedAt = Date.now();
  try {
    await runner.start();
  } catch (error) {
    await runner.stop(5_000);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = Date.now() - startedAt;
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const s3 = minioClient(ctx);
  return {
    ctx,
    s3,
    temporal: new Client({ connection }),
    kafkaBrokers: [`127.0.0.1:${ports.kafka}`],
    startupMs,
    async stop() {
      s3.destroy();
      await connection.close().catch(() => {});
      await runner.stop(10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
