import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { ComponentSpec, StackContext } from '../component.ts';
import { httpOk } from '../probe.ts';
import { minioTool } from '../tools/minio.ts';

export const mediaBuckets = ['vora-raw', 'vora-media'] as const;

export function minioEndpoint(ctx: StackContext): string {
  return `http://127.0.0.1:${ctx.ports.minio}`;
}

export function minioClient(ctx: StackContext): S3Client {
  return new S3Client({
    endpoint: minioEndpoint(ctx),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ctx.secrets.minioUser, secretAccessKey: ctx.secrets.minioPassword },
  });
}

export function minioComponent(ctx: StackContext): ComponentSpec {
  const dataDir = join(ctx.dataDir, 'minio');
  return {
    name: 'minio',
    url: `${minioEndpoint(ctx)} (console http://127.0.0.1:${ctx.ports.minioConsole})`,
    ports: [ctx.ports.minio, ctx.ports.minioConsole],
    readyTimeoutMs: 60_000,
    async command() {
      const binary = await minioTool.locate();
      if (!binary) throw new Error(`minio not found: ${minioTool.fix}`);
      await mkdir(dataDir, { recursive: true });
      return {
        cmd: binary,
        args: ['server', dataDir, '--address', `127.0.0.1:${ctx.ports.minio}`, '--console-address', `127.0.0.1:${ctx.ports.minioConsole}`, '--quiet'],
        env: {
          MINIO_ROOT_USER: ctx.secrets.minioUser,
          MINIO_ROOT_PASSWORD: ctx.secrets.minioPassword,
          MINIO_BROWSER: 'on',
          MINIO_UPDATE: 'off',
          MINIO_CALLHOME_ENABLE: 'off',
        },
      };
    },
    probe: async () => {
      await httpOk(`${minioEndpoint(ctx)}/minio/health/ready`);
    },
    async afterReady() {
      const s3 = minioClient(ctx);
      try {
        for (const bucket of mediaBuckets) {
          try {
            await s3.send(new HeadBucketCommand({ Bucket: bucket }));
          } catch {
            await s3.send(new CreateBucketCommand({ Bucket: bucket }));
          }
        }
      } finally {
        s3.destroy();
      }
    },
  };
}
