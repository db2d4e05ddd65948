import { runFfmpeg, type FfmpegRun, type RunFfmpegOptions } from '../ffmpeg/run-ffmpeg.ts';
import type { RenditionPublisher } from '../storage/rendition-publisher.ts';

export interface EncodeWhilePublishingOptions {
  ffmpeg: RunFfmpegOptions;
  publishers: RenditionPublisher[];
  /** After each round of uploads (a progressive rung writes its playlist here); a throw stops FFmpeg. */
  afterSync?: () => Promise<void> | void;
  /** Called for each file stored (heartbeats). */
  onFile?: () => void;
  /**
   * Called every few seconds while FFmpeg runs, whether or not it reports progress: a heartbeat says the worker is
   * alive, and a ladder FFmpeg at niceness 10 on a busy box may print nothing for longer than the heartbeat timeout.
   */
  heartbeat?: () => void;
  /** How often FFmpeg's playlists are read: the delay between a segment closing and its upload starting. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const heartbeatMs = 5_000;

/**
 * Runs FFmpeg and uploads each closed segment of every rung while it encodes (not after), then a last
 * round once it exits. A failed upload kills FFmpeg and is rethrown; the FFmpeg outcome is returned as a value.
 */
export async function encodeWhilePublishing(options: EncodeWhilePublishingOptions): Promise<FfmpegRun> {
  const stop = new AbortController();
  const outer = options.ffmpeg.signal;
  const relay = () => stop.abort();
  outer?.addEventListener('abort', relay, { once: true });
  let exited = false;
  const run = runFfmpeg({ ...options.ffmpeg, signal: stop.signal }).finally(() => {
    exited = true;
  });
  const beat = options.heartbeat ? setInterval(options.heartbeat, heartbeatMs) : undefined;
  const syncAll = async () => {
    for (const publisher of options.publishers) await publisher.sync(options.onFile);
    await options.afterSync?.();
  };
  try {
    while (!exited) {
      await Promise.race([run, sleep(options.pollMs ?? 100)]);
      await syncAll();
    }
    const result = await run;
    if (result.kind === 'exited' && result.exitCode === 0) await syncAll();
    return result;
  } catch (error) {
    stop.abort();
    await run;
    throw error;
  } finally {
    clearInterval(beat);
    outer?.removeEventListener('abort', relay);
  }
}
