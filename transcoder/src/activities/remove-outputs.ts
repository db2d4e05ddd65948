import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { mediaKeys } from '../storage/media-keys.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';

/** Activity `removeOutputs`: deletes everything under `vora-media/{videoId}/` (a video that finally FAILED). Idempotent. */
export function createRemoveOutputs(deps: { storage: TranscoderStorage; logger: Logger }) {
  return async function removeOutputs({ videoId }: { videoId: string }): Promise<{ removed: number }> {
    const { s3, mediaBucket } = deps.storage;
    let removed = 0;
    for (;;) {
      // Listing from the start each round: deleted keys drop out, so no continuation token is needed.
      const page = await s3.send(new ListObjectsV2Command({ Bucket: mediaBucket, Prefix: mediaKeys.prefix(videoId), MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: mediaBucket, Delete: { Objects: keys, Quiet: true } }));
      removed += keys.length;
    }
    deps.logger.info({ videoId, activity: 'removeOutputs', removed }, 'partial outputs removed');
    return { removed };
  };
}
