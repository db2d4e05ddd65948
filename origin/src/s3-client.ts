import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { OriginConfig } from './config.ts';

type S3Settings = Pick<OriginConfig, 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'>;

/** Sockets kept open to MinIO/S3: at least the gateway's expected concurrency (the SDK's default pool is 50). */
export const S3_MAX_SOCKETS = 256;

/** MinIO/S3 as the origin reaches it: path-style addressing and the root credentials. The TUS store builds its client from this. */
export function s3ClientConfig(config: S3Settings): S3ClientConfig {
  return {
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY },
  };
}

/**
 * The origin's S3 client (gateway reads, deletes, the origin worker), tuned as the gateway README advises:
 * a keep-alive pool of S3_MAX_SOCKETS, and response checksums validated only when an operation requires
 * it, not a CRC of every segment computed in JS (`bench/gateway-latency.ts` measures both).
 */
export function originS3Client(config: S3Settings): S3Client {
  const pool = { keepAlive: true, maxSockets: S3_MAX_SOCKETS };
  return new S3Client({
    ...s3ClientConfig(config),
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { httpAgent: new HttpAgent(pool), httpsAgent: new HttpsAgent(pool) },
  });
}
