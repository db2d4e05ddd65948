import { S3Client } from '@aws-sdk/client-s3';
import type { TranscoderConfig } from '../config.ts';
import { presignGetUrl } from './presign-get.ts';

/** The transcoder's view of MinIO: a client for writes, and presigned reads of raw uploads for FFmpeg. */
export interface TranscoderStorage {
  s3: S3Client;
  rawBucket: string;
  mediaBucket: string;
  /** A GET URL of `vora-raw/{key}` FFmpeg can open, valid for `expiresSeconds`. */
  presignRaw(key: string, expiresSeconds: number): string;
}

export function createTranscoderStorage(s3Config: TranscoderConfig['s3']): TranscoderStorage {
  const { accessKeyId, secretAccessKey } = s3Config;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required to read uploads and write media (npm start sets them)');
  }
  // No extra CRC32 of every segment written or read (the SDK's default): over http SigV4 already hashes each body, and the CPU is FFmpeg's.
  const s3 = new S3Client({
    endpoint: s3Config.endpoint, region: s3Config.region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    s3,
    rawBucket: s3Config.rawBucket,
    mediaBucket: s3Config.mediaBucket,
    presignRaw: (key, expiresSeconds) =>
      presignGetUrl({ endpoint: s3Config.endpoint, bucket: s3Config.rawBucket, key, region: s3Config.region, accessKeyId, secretAccessKey, expiresSeconds, now: new Date() }),
  };
}
