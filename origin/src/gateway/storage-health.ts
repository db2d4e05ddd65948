import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'hono';
import { noStore } from './cache-policy.ts';

/**
 * `GET /media/healthz`: does media storage answer within `timeoutMs`? The shield's health probe asks it
 * (unsigned: it tells only up or down), and serves stale objects while it says no.
 */
export async function serveStorageHealth(c: Context, deps: { s3: S3Client; bucket: string; timeoutMs: number }): Promise<Response> {
  const headers = { 'Cache-Control': noStore };
  try {
    await deps.s3.send(new HeadBucketCommand({ Bucket: deps.bucket }), { abortSignal: AbortSignal.timeout(deps.timeoutMs) });
    return c.json({ status: 'ok' }, 200, headers);
  } catch (error) {
    const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : (error as Error).message;
    return c.json({ error: { code: 'storage_unavailable', message: `media storage is not answering: ${cause}` } }, 503, headers);
  }
}
