import { describe, expect, it } from 'vitest';
import { errorCodeFor } from '../../contracts/http.ts';
import { isStorageFull, UPLOAD_REFUSALS } from '../../origin/src/uploads/refusals.ts';

describe('isStorageFull', () => {
  it("recognises MinIO's full disk: the OS error it wraps in a 500, its own threshold code, a 507, and as the cause of another error", () => {
    const wrapped = Object.assign(new Error('We encountered an internal error, please try again.: cause(no space left on device)'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(isStorageFull(wrapped)).toBe(true);
    expect(isStorageFull({ name: 'XMinioStorageFull', message: 'Storage backend has reached its minimum free drive threshold.' })).toBe(true);
    expect(isStorageFull({ name: 'Unknown', message: '', $metadata: { httpStatusCode: 507 } })).toBe(true);
    expect(isStorageFull(new Error('part 3 failed', { cause: wrapped }))).toBe(true);
  });

  it('is false for other failures', () => {
    expect(isStorageFull(Object.assign(new Error('We encountered an internal error, please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }))).toBe(false);
    expect(isStorageFull({ status_code: 460, body: 'checksum mismatch' })).toBe(false);
    expect(isStorageFull(new Error('connect ECONNREFUSED 127.0.0.1:9000'))).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
    expect(isStorageFull('no space left on device')).toBe(false); // not an error object: nothing S3 said
  });

  it('answers 507 storage_full, telling the client to resume once space is freed', () => {
    const refusal = UPLOAD_REFUSALS.storageFull();
    expect(refusal.status).toBe(507);
    expect(errorCodeFor(refusal.status)).toBe('storage_full');
    expect(refusal.message).toMatch(/storage is full.*offset HEAD reports are kept.*resume/);
  });
});
