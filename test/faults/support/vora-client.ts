/** TUS uploads and stored objects of one running dev stack, as a client under faults sees them. */
import { S3Client } from '@aws-sdk/client-s3';
import * as tus from 'tus-js-client';
import type { DevStack } from '../../support/dev-stack.ts';
import { objectDigest } from '../../support/media.ts';

export interface UploadRun {
  /** Resolves with the upload URL once the last byte is acknowledged. */
  done: Promise<string>;
  upload: tus.Upload;
  /** Upload-Offset of every PATCH sent, in order. */
  patchOffsets: number[];
}

/**
 * Starts a tus-js-client upload (Node stack, `chunkSize` bytes per PATCH). `onProgress` may abort it;
 * an abort leaves `done` pending forever, so callers race it against their own signal.
 */
export function startUpload(data: Buffer, options: { endpoint: string; uploadUrl?: string; chunkSize: number; retryDelays?: number[]; onProgress?: (sent: number, upload: tus.Upload) => void }): UploadRun {
  const patchOffsets: number[] = [];
  let upload!: tus.Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new tus.Upload(data, {
      endpoint: options.endpoint,
      ...(options.uploadUrl ? { uploadUrl: options.uploadUrl } : {}),
      chunkSize: options.chunkSize,
      retryDelays: options.retryDelays ?? [],
      storeFingerprintForResuming: false,
      metadata: { filename: 'fault.bin', filetype: 'application/octet-stream' },
      onBeforeRequest: (request) => {
        if (request.getMethod() === 'PATCH') patchOffsets.push(Number(request.getHeader('Upload-Offset')));
      },
      onProgress: (sent) => options.onProgress?.(sent, upload),
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
  });
  upload.start();
  return { done, upload, patchOffsets };
}

/** The server's Upload-Offset (HEAD), the number a resuming client must start from. */
export async function serverOffset(uploadUrl: string): Promise<number> {
  const head = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, signal: AbortSignal.timeout(10_000) });
  if (head.status !== 200) throw new Error(`HEAD ${uploadUrl} answered ${head.status}`);
  return Number(head.headers.get('upload-offset'));
}

export function s3Of(stack: DevStack): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${stack.ports.minio}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: stack.secrets.minioUser, secretAccessKey: stack.secrets.minioPassword },
  });
}

/** Uploads a whole file and waits for it to be acknowledged (one attempt; retries only where asked). */
export async function uploadWhole(endpoint: string, data: Buffer, chunkSize = 4 * 1024 * 1024): Promise<string> {
  return startUpload(data, { endpoint, chunkSize }).done;
}

/** SHA-256 and size of the raw object an upload URL names (its last path segment is the key in vora-raw). */
export async function rawDigest(s3: S3Client, uploadUrl: string): Promise<{ sha256: string; size: number }> {
  return objectDigest(s3, 'vora-raw', decodeURIComponent(new URL(uploadUrl).pathname.split('/').pop()!));
}
