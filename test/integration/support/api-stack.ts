/** Real MinIO, Kafka and Temporal for the origin API tests, started by the stack's own runner on the test file's own ports. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { StackPorts } from '../../../contracts/local-ports.ts';
import { stackContext, type StackContext } from '../../../stack/component.ts';
import { kafkaComponent } from '../../../stack/components/kafka.ts';
import { minioClient, minioComponent } from '../../../stack/components/minio.ts';
import { temporalComponent } from '../../../stack/components/temporal.ts';
import { StackRunner } from '../../../stack/runner.ts';
import { fakeSecrets } from '../../support/secrets.ts';

export interface ApiStack {
  ctx: StackContext;
  s3: S3Client;
  temporal: Client;
  kafkaBrokers: string[];
  startupMs: number;
  stop(): Promise<void>;
}

/** Starts the three servers (each ready and provisioned: buckets, topics, namespace) on `ports` (`testPorts(import.meta.url)`). */
export async function startApiStack(options: { kafka?: boolean; ports: StackPorts }): Promise<ApiStack> {
  const { ports } = options;
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
