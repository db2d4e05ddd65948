import { DeleteObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { isStorageFull } from './refusals.ts';

const PROBE_KEY = '.vora-probe/space';
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks the storage why it dropped a write: an object of the dropped part's size put and removed again (MinIO checks
 * the free space against the size it is sent), so a refusal naming a full disk means the part was refused for space.
 * Resolves true only on that refusal; any other outcome (written, timed out, another error) is "not known to be full".
 */
export function storageSpaceProbe(config: S3ClientConfig, bucket: string, sizeBytes: number): () => Promise<boolean> {
  const client = new S3Client(config);
  return async () => {
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: PROBE_KEY, Body: Buffer.alloc(sizeBytes) }), { abortSignal: signal });
    } catch (error) {
      return isStorageFull(error);
    }
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: PROBE_KEY }), { abortSignal: signal }).catch(() => undefined);
    return false;
  };
}
