/** Test media and digests: clips made by FFmpeg's generators, SHA-256 of buffers and of stored objects. */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { run } from '../../stack/exec.ts';
import { cacheDir } from '../../stack/paths.ts';

export interface ClipOptions {
  seconds: number;
  /** Frame size like `640x360`. */
  size: string;
  /** Frames per second (default 30). */
  rate?: number;
  /** A 440 Hz tone as AAC (default true). */
  audio?: boolean;
  /** x264 preset (default veryfast; ultrafast where only the bytes matter). */
  preset?: string;
  /** Video arguments after the codec: standard 8-bit 4:2:0 unless a test wants otherwise (10-bit, key frames that stop…). */
  videoArgs?: string[];
}

/**
 * An H.264 (+ AAC) test clip from lavfi's `testsrc2` pattern and a sine tone, moov first. The generators are
 * deterministic, so each clip is encoded once per FFmpeg version and arguments and then copied from the cache.
 */
export async function makeClip(path: string, options: ClipOptions): Promise<void> {
  const { seconds, size, rate = 30, audio = true, preset = 'veryfast', videoArgs = ['-pix_fmt', 'yuv420p'] } = options;
  const args = [
    '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=${size}:rate=${rate}`,
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
    '-c:v', 'libx264', '-preset', preset, ...videoArgs,
    ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
    '-movflags', '+faststart',
  ];
  const cached = join(clipCacheDir, `${sha256(`${await ffmpegVersion()}\n${args.join('\n')}`)}.mp4`);
  if (!(await stat(cached).catch(() => undefined))?.size) {
    await mkdir(clipCacheDir, { recursive: true });
    // Written aside and renamed: a clip in the cache is always whole, even if this process dies mid-encode.
    const partial = `${cached}.${process.pid}.partial.mp4`;
    await run('ffmpeg', [...args, partial], { timeoutMs: 300_000 });
    await rename(partial, cached);
  }
  await copyFile(cached, path);
}

const clipCacheDir = join(cacheDir, 'test-clips');
let version: Promise<string> | undefined;
/** The first line of `ffmpeg -version`: another FFmpeg may encode the same arguments differently. */
const ffmpegVersion = () => (version ??= run('ffmpeg', ['-hide_banner', '-version']).then((out) => out.split('\n')[0]!));

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** SHA-256 and size of a stored object, streamed (never held whole). */
export async function objectDigest(s3: S3Client, bucket: string, key: string): Promise<{ sha256: string; size: number }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
