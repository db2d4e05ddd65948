import { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { rawKeyPrefix } from '../uploads/upload-ids.ts';

export interface MediaBuckets {
  raw: string;
  media: string;
}

/**
 * Removes everything stored for a video: its outputs under `{id}/` in the media bucket, its raw
 * upload(s) and their TUS companions, and any multipart upload still open. Safe to repeat.
 */
export async function deleteVideoObjects(s3: S3Client, buckets: MediaBuckets, videoId: string): Promise<{ deleted: number; aborted: number }> {
  const aborted = await abortOpenUploads(s3, buckets.raw, rawKeyPrefix(videoId));
  const deleted = (await deletePrefix(s3, buckets.media, `${videoId}/`)) + (await deletePrefix(s3, buckets.raw, rawKeyPrefix(videoId)));
  return { deleted, aborted };
}

/** Deletes every object whose key starts with `prefix`, 1000 per request (S3's batch limit). */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length > 0) {
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      const failed = result.Errors ?? [];
      if (failed.length > 0) throw new Error(`could not delete ${failed.length} objects under ${bucket}/${prefix} (first: ${failed[0]?.Key}: ${failed[0]?.Message})`);
      deleted += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}

async function abortOpenUploads(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const { Uploads: uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const upload of uploads) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  }
  return uploads.length;
}
