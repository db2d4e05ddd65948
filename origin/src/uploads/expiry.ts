import type { Logger } from 'pino';
import type { TusUploads } from './tus-server.ts';

/**
 * Every `intervalMs`: removes expired unfinished uploads from the bucket and fails the videos that
 * were waiting for them. Returns a stop function. A failed round is logged and tried again next time.
 */
export function startUploadExpiry(deps: {
  uploads: TusUploads;
  expireStaleUploads: (startedBefore: Date) => Promise<number>;
  log: Logger;
  intervalMs?: number;
}): () => void {
  const { uploads, log } = deps;
  if (uploads.expirationMs <= 0) return () => {};
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      const objects = await uploads.cleanUpExpired();
      const videos = await deps.expireStaleUploads(new Date(Date.now() - uploads.expirationMs));
      if (objects > 0 || videos > 0) log.info({ event: 'uploads_expired', objects, videos }, 'expired uploads removed');
    } catch (error) {
      log.warn({ event: 'upload_expiry_failed', err: error }, 'could not clean up expired uploads; trying again later');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), deps.intervalMs ?? Math.min(uploads.expirationMs, 15 * 60_000));
  timer.unref();
  return () => clearInterval(timer);
}
