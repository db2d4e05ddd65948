import { describe, expect, it } from 'vitest';
import { newUploadId, ownerOfUpload, rawKeyPrefix } from '../../origin/src/uploads/upload-ids.ts';

describe('upload ids: {owner}.{128 random bits}', () => {
  it('round-trips the owner and is different every time', () => {
    const first = newUploadId('vid_Ab-9_x');
    expect(first).toMatch(/^vid_Ab-9_x\.[0-9a-f]{32}$/);
    expect(ownerOfUpload(first)).toBe('vid_Ab-9_x');
    expect(newUploadId('vid_Ab-9_x')).not.toBe(first);
  });

  it('refuses owners that could escape the key layout, and ids it did not make', () => {
    for (const owner of ['', 'a/b', 'a.b', '../x', 'x'.repeat(101)]) expect(() => newUploadId(owner)).toThrow(/upload owner/);
    for (const id of ['vid_a', 'vid_a.123', 'vid_a.' + 'g'.repeat(32), 'a/b.' + '0'.repeat(32), `vid_a.${'0'.repeat(32)}.info`]) expect(ownerOfUpload(id)).toBeNull();
  });

  it('gives each owner a raw-key prefix no other owner shares', () => {
    const id = newUploadId('vid_ab');
    expect(id.startsWith(rawKeyPrefix('vid_ab'))).toBe(true);
    expect(id.startsWith(rawKeyPrefix('vid_a'))).toBe(false);
    expect(`${id}.info`.startsWith(rawKeyPrefix('vid_ab'))).toBe(true);
  });
});
