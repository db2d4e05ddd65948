import { resolveSourceLocation, type SourceLocation } from '../probe/ffprobe-command.ts';

/** Presigned URLs live long enough for the longest encode; a retry presigns a fresh one. */
export const presignedSourceSeconds = 6 * 60 * 60;

/** A key in `vora-raw` as the upload wrote it: relative, no scheme, no `..` (inputs are untrusted). */
export function isRawBucketKey(sourceKey: string): boolean {
  return sourceKey.length > 0 && sourceKey.length <= 1024 && !sourceKey.startsWith('/') && !sourceKey.includes('://')
    && !sourceKey.split('/').includes('..') && !/[\u0000-\u001f]/.test(sourceKey);
}

/**
 * Where FFmpeg/ffprobe read a workflow's `sourceKey`: a `vora-raw` key becomes a presigned GET URL
 * (the raw object is only ever read); paths and URLs pass as before. Pure given `presignRaw`.
 */
export function sourceInput(sourceKey: string, presignRaw: ((key: string, expiresSeconds: number) => string) | undefined): SourceLocation {
  const direct = resolveSourceLocation(sourceKey);
  if (direct.ok || !presignRaw || !isRawBucketKey(sourceKey)) return direct;
  return { ok: true, input: presignRaw(sourceKey, presignedSourceSeconds), protocols: ['http', 'https', 'tcp', 'tls'], remote: true };
}
