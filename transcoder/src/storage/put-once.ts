import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** How a write-once PUT ended: written now, found identical, or found different (an earlier attempt's, kept). */
export type PutOnceOutcome = { kind: 'written' | 'identical' | 'kept-existing'; size: number };

const isPreconditionFailed = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412 || (error as { name?: string }).name === 'PreconditionFailed';

/**
 * Writes a local file to `bucket/key` only if no object is there (`If-None-Match: *`, honoured by MinIO).
 * On 412 it compares the stored ETag (MD5 of a single-part PUT) and size with the file and moves on:
 * nothing is ever overwritten, and a retried activity finds its own objects. Returns the stored size.
 */
export async function putOnce(s3: S3Client, bucket: string, key: string, path: string, contentType: string): Promise<PutOnceOutcome> {
  return putBodyOnce(s3, bucket, key, await readFile(path), contentType); // segments are a few MB: one single-part PUT each
}

/** `putOnce` of bytes in memory (a generated playlist). */
export async function putBodyOnce(s3: S3Client, bucket: string, key: string, body: Buffer, contentType: string): Promise<PutOnceOutcome> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, IfNoneMatch: '*' }));
    return { kind: 'written', size: body.length };
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
  }
  // Only a retry meets its own objects: the MD5 is worth computing then, not on every first write.
  const md5 = createHash('md5').update(body).digest('hex');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const storedSize = head.ContentLength ?? -1;
  const identical = head.ETag?.replaceAll('"', '') === md5 && storedSize === body.length;
  return { kind: identical ? 'identical' : 'kept-existing', size: storedSize };
}

/** Content types of what the transcoder writes, by file name. */
export function mediaContentType(name: string): string {
  if (name.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (name.endsWith('.m4s')) return 'video/iso.segment';
  if (name.endsWith('.mp4')) return 'video/mp4';
  if (name.endsWith('.jpg')) return 'image/jpeg';
  if (name.endsWith('.vtt')) return 'text/vtt';
  return 'application/octet-stream';
}
