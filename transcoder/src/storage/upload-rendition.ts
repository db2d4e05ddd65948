import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { mediaContentType, putOnce, type PutOnceOutcome } from './put-once.ts';

export interface RenditionUpload {
  /** Stored byte size of every uploaded file, by file name (what BANDWIDTH is computed from). */
  sizes: Map<string, number>;
  outcomes: Record<PutOnceOutcome['kind'], number>;
}

const parallelPuts = 4;

/**
 * Uploads one rendition directory to `{keyPrefix}{file}` write-once: init and segments first
 * (a few in parallel), the playlist last, so no stored playlist ever names a missing segment.
 */
export async function uploadRenditionDir(s3: S3Client, bucket: string, keyPrefix: string, dir: string, onFile?: () => void): Promise<RenditionUpload> {
  const files = (await readdir(dir)).sort();
  if (!files.includes('playlist.m3u8')) throw new Error(`FFmpeg wrote no playlist.m3u8 in ${dir}`);
  const media = files.filter((file) => file !== 'playlist.m3u8');
  const upload: RenditionUpload = { sizes: new Map(), outcomes: { written: 0, identical: 0, 'kept-existing': 0 } };
  const putFile = async (file: string) => {
    const outcome = await putOnce(s3, bucket, `${keyPrefix}${file}`, join(dir, file), mediaContentType(file));
    upload.sizes.set(file, outcome.size);
    upload.outcomes[outcome.kind] += 1;
    onFile?.();
  };
  for (let next = 0; next < media.length; next += parallelPuts) await Promise.all(media.slice(next, next + parallelPuts).map(putFile));
  await putFile('playlist.m3u8');
  return upload;
}
