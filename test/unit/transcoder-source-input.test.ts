import { describe, expect, it } from 'vitest';
import { presignGetUrl } from '../../transcoder/src/storage/presign-get.ts';
import { isRawBucketKey, sourceInput } from '../../transcoder/src/storage/source-input.ts';
import { probeVerdict } from '../../origin/src/workflow/probe-verdict.ts';

describe('presignGetUrl', () => {
  it('matches the SigV4 example of the AWS S3 documentation', () => {
    const url = presignGetUrl({
      endpoint: 'https://examplebucket.s3.amazonaws.com', key: 'test.txt', region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      expiresSeconds: 86400, now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('puts the bucket in the path (MinIO) and escapes key characters', () => {
    const url = presignGetUrl({ endpoint: 'http://127.0.0.1:9000', bucket: 'vora-raw', key: 'up/a b+c', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b', expiresSeconds: 60, now: new Date(0) });
    expect(url.startsWith('http://127.0.0.1:9000/vora-raw/up/a%20b%2Bc?X-Amz-Algorithm=')).toBe(true);
  });
});

describe('sourceInput', () => {
  const presign = (key: string) => `http://minio/vora-raw/${key}?sig`;
  it('reads vora-raw keys through a presigned URL, over the network protocols only', () => {
    expect(sourceInput('uploads/abc', presign)).toEqual({ ok: true, input: 'http://minio/vora-raw/uploads/abc?sig', protocols: ['http', 'https', 'tcp', 'tls'], remote: true });
  });
  it('passes paths and URLs as before, and refuses what is not a key', () => {
    expect(sourceInput('/tmp/a.mp4', presign)).toMatchObject({ ok: true, input: 'file:/tmp/a.mp4' });
    for (const key of ['../etc/passwd', 'a/../b', '', 'ftp://x/y', 'a\nb']) expect(isRawBucketKey(key)).toBe(false);
    expect(sourceInput('uploads/abc', undefined).ok).toBe(false);
  });
});

describe('probeVerdict', () => {
  it('refuses a source longer than the video allows, with both durations in words', () => {
    expect(probeVerdict({ durationSeconds: 8 }, null)).toEqual({ accepted: true });
    expect(probeVerdict({ durationSeconds: 8 }, 10)).toEqual({ accepted: true });
    expect(probeVerdict({ durationSeconds: 95 }, 60)).toEqual({ accepted: false, reason: 'it is 1.6 min long, longer than the 1.0 min this video allows (maxDurationSeconds 60)' });
  });
});
