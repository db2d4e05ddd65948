import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHECKSUM_ALGORITHMS, checksumMismatch, parseUploadChecksum } from '../../origin/src/uploads/checksum.ts';
import { answerHeaders, contentTypeRefusal, normalisedHeaders, tusRequestOf } from '../../origin/src/uploads/tus-request.ts';

const digest = (algorithm: string, data: string) => createHash(algorithm).update(data).digest();

describe('Upload-Checksum header', () => {
  it('reads every advertised algorithm, case-insensitively, sha1 first as the protocol requires', () => {
    expect(CHECKSUM_ALGORITHMS[0]).toBe('sha1');
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const parsed = parseUploadChecksum(`${algorithm.toUpperCase()} ${digest(algorithm, 'x').toString('base64')}`);
      expect(parsed).toEqual({ ok: true, value: { algorithm, digest: digest(algorithm, 'x') } });
    }
    expect(parseUploadChecksum(null)).toEqual({ ok: true, value: undefined });
  });

  it('refuses unknown algorithms, malformed headers and digests of the wrong length, saying what is expected', () => {
    expect(parseUploadChecksum(`crc32 ${Buffer.alloc(4).toString('base64')}`)).toMatchObject({ ok: false, message: expect.stringContaining('sha1') });
    for (const bad of ['sha1', 'sha1:abc', '', 'sha1 not*base64']) expect(parseUploadChecksum(bad)).toMatchObject({ ok: false, message: expect.stringContaining('<algorithm> <base64 digest>') });
    expect(parseUploadChecksum(`sha1 ${Buffer.alloc(19).toString('base64')}`)).toMatchObject({ ok: false, message: expect.stringMatching(/20 bytes/) });
  });

  it('names both digests and the offset to resume from on a mismatch, and nothing on a match', () => {
    const expected = { algorithm: 'sha1' as const, digest: digest('sha1', 'hello') };
    expect(checksumMismatch(expected, digest('sha1', 'hello'), 5, 0)).toBeNull();
    const message = checksumMismatch(expected, digest('sha1', 'hellO'), 5, 1024);
    expect(message).toContain(expected.digest.toString('base64'));
    expect(message).toContain('Upload-Offset 1024');
  });
});

describe('requests as @tus/server should see them', () => {
  it('answers 415 to a PATCH without the TUS content type, and lets other methods through', () => {
    expect(contentTypeRefusal('PATCH', 'application/offset+octet-stream')).toBeNull();
    expect(contentTypeRefusal('PATCH', 'application/octet-stream')).toMatchObject({ status: 415, message: expect.stringContaining('application/offset+octet-stream') });
    expect(contentTypeRefusal('PATCH', null)?.status).toBe(415);
    expect(contentTypeRefusal('POST', 'text/plain')).toBeNull();
  });

  it('drops an empty Upload-Metadata (tusd accepts it) and leaves real metadata alone', () => {
    expect(normalisedHeaders(new Headers({ 'upload-metadata': '' }))?.has('upload-metadata')).toBe(false);
    expect(normalisedHeaders(new Headers({ 'upload-metadata': '  ', 'upload-length': '5' }))?.get('upload-length')).toBe('5');
    expect(normalisedHeaders(new Headers({ 'upload-metadata': 'filename YS5tcDQ=' }))).toBeNull();
    expect(normalisedHeaders(new Headers())).toBeNull();
  });

  it('hands tus a bodiless PATCH on Node (the body is read from the socket), and the request itself otherwise', () => {
    const runtime = { name: 'node', node: { req: {}, res: {} } };
    const patch = new Request('http://o/v1/uploads/x', { method: 'PATCH', body: 'abc', headers: { 'upload-offset': '0' } });
    Object.defineProperty(patch, 'runtime', { value: runtime });
    const handed = tusRequestOf(patch);
    expect(handed.body).toBeNull();
    expect(handed.headers.get('upload-offset')).toBe('0');
    expect((handed as unknown as { runtime: unknown }).runtime).toBe(runtime);
    const head = new Request('http://o/v1/uploads/x', { method: 'HEAD' });
    expect(tusRequestOf(head)).toBe(head);
  });

  it('advertises the checksum algorithms on OPTIONS only', () => {
    expect(answerHeaders('OPTIONS')).toEqual({ 'Tus-Checksum-Algorithm': 'sha1,sha256,sha512,md5' });
    expect(answerHeaders('PATCH')).toEqual({});
  });
});
