import { S3 } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { sendPartsUnsigned } from '../../origin/src/uploads/unsigned-part-payload.ts';

/** An S3 client whose requests are captured instead of sent (the headers as the signer left them). */
function capturingClient() {
  const sent: Array<Record<string, string>> = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string> }) => {
      sent.push(request.headers);
      return { response: { statusCode: 200, headers: { etag: '"e"' }, body: Buffer.alloc(0) } };
    },
  };
  const client = new S3({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestHandler: requestHandler as never });
  return { client, sent };
}

const part = { Bucket: 'vora-raw', Key: 'k', UploadId: 'u', PartNumber: 1, Body: Buffer.from('part bytes') };

describe('part uploads of the streaming store', () => {
  it('sign no payload hash but still carry the CRC32 that MinIO checks', async () => {
    const { client, sent } = capturingClient();
    sendPartsUnsigned(client);
    await client.uploadPart(part);
    expect(sent[0]!['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(sent[0]!['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sent[0]!.authorization).toContain('x-amz-content-sha256');
  });

  it('leave other requests (and clients without it) hashed as the SDK does', async () => {
    const { client, sent } = capturingClient();
    await client.uploadPart(part);
    sendPartsUnsigned(client);
    await client.putObject({ Bucket: 'vora-raw', Key: 'k.part', Body: Buffer.from('tail') });
    expect(sent.map((headers) => headers['x-amz-content-sha256'])).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });
});
