import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { TranscoderStorage } from './s3-client.ts';

/** Deletes every object of the media bucket under `prefix`; returns how many. Idempotent. */
export async function deleteMediaPrefix(storage: TranscoderStorage, prefix: string): Promise<number> {
  const { s3, mediaBucket } = storage;
  let removed = 0;
  for (;;) {
    // Listing from the start each round: deleted keys drop out, so no continuation token is needed.
    const page = await s3.send(new ListObjectsV2Command({ Bucket: mediaBucket, Prefix: prefix, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length === 0) return removed;
    await s3.send(new DeleteObjectsCommand({ Bucket: mediaBucket, Delete: { Objects: keys, Quiet: true } }));
    removed += keys.length;
  }
}
