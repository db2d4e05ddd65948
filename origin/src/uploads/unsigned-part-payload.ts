import type { S3 } from '@aws-sdk/client-s3';

/**
 * Part bodies are sent with `UNSIGNED-PAYLOAD` instead of a SHA-256 of the whole part in the
 * signature: the SDK hashes every in-memory part (and MinIO hashes it again to check), about a
 * third of the origin's CPU per uploaded byte. Integrity stays with the part's CRC32
 * (`x-amz-checksum-crc32`, checked by MinIO), as for a streamed body, where the SDK signs no payload either.
 */
export function sendPartsUnsigned(client: S3): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers;
      if (context.commandName === 'UploadPartCommand' && headers) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'voraUnsignedPartPayload' },
  );
}
