import type { Logger } from 'pino';
import { deleteMediaPrefix } from '../storage/delete-prefix.ts';
import { mediaKeys } from '../storage/media-keys.ts';
import type { TranscoderStorage } from '../storage/s3-client.ts';

/** Activity `removeOutputs`: deletes everything under `vora-media/{videoId}/` (a video that finally FAILED). Idempotent. */
export function createRemoveOutputs(deps: { storage: TranscoderStorage; logger: Logger }) {
  return async function removeOutputs({ videoId }: { videoId: string }): Promise<{ removed: number }> {
    const removed = await deleteMediaPrefix(deps.storage, mediaKeys.prefix(videoId));
    deps.logger.info({ videoId, activity: 'removeOutputs', removed }, 'partial outputs removed');
    return { removed };
  };
}
