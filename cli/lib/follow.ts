import type { JsonClient } from './api-client.ts';
import { CliError } from './errors.ts';
import type { VideoView } from './video-types.ts';

/** Pure: the one line shown while processing, e.g. "PROCESSING 42%". */
export function processingLine(video: Pick<VideoView, 'state' | 'progress'>): string {
  return `${video.state} ${Math.floor((video.progress ?? 0) * 100)}%`;
}

interface FollowOptions {
  intervalMs?: number;
  /** Called when the line changes (state or whole percent). */
  onChange: (line: string, video: VideoView) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Polls GET /v1/videos/:id until READY; FAILED or DELETED end it with the reason. */
export async function followProcessing(client: JsonClient, videoId: string, options: FollowOptions): Promise<VideoView> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = '';
  for (;;) {
    const video = await client.request<VideoView>('GET', `/v1/videos/${encodeURIComponent(videoId)}`);
    const line = processingLine(video);
    if (line !== last) options.onChange(line, video);
    last = line;
    if (video.state === 'READY') return video;
    if (video.state === 'FAILED') throw new CliError(`video ${videoId} FAILED: ${video.failureReason ?? 'no reason recorded'} (\`vora videos show ${videoId}\` has the details)`);
    if (video.state === 'DELETED') throw new CliError(`video ${videoId} was deleted while processing`);
    await sleep(options.intervalMs ?? 1_000);
  }
}
