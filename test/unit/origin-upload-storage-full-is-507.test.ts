import { describe, expect, it } from 'vitest';
import { errorCodeFor } from '../../contracts/http.ts';
import { isDroppedWrite, isStorageFull, UPLOAD_REFUSALS } from '../../origin/src/uploads/refusals.ts';

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

describe('isDroppedWrite', () => {
  it('recognises a write the storage cut off (reset or broken pipe), also as the cause of another error', () => {
    expect(isDroppedWrite(Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isDroppedWrite(new Error('write EPIPE'))).toBe(true);
    expect(isDroppedWrite(new Error('part 2 failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }))).toBe(true);
  });

  it('is false for refusals with a reason and for a storage that cannot be reached', () => {
    expect(isDroppedWrite(new Error('connect ECONNREFUSED 127.0.0.1:9000'))).toBe(false);
    expect(isDroppedWrite({ name: 'XMinioStorageFull', message: 'Storage backend has reached its minimum free drive threshold.' })).toBe(false);
    expect(isDroppedWrite({ status_code: 460, body: 'checksum mismatch' })).toBe(false);
    expect(isDroppedWrite(undefined)).toBe(false);
  });
});
