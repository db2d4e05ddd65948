import { describe, expect, it } from 'vitest';
import { countedParts, partSizeFor, placeRemainder, sumOfSizes, voidFromAfter } from '../../origin/src/uploads/part-plan.ts';

const MiB = 1024 * 1024;
const part = (PartNumber: number, Size = 8 * MiB) => ({ PartNumber, Size, ETag: `"e${PartNumber}"` });

describe('which stored parts count towards the offset', () => {
  it('counts the unbroken run from part 1, in order whatever order S3 lists them', () => {
    expect(countedParts([part(2), part(1), part(3, 5 * MiB)], undefined).map((p) => p.PartNumber)).toEqual([1, 2, 3]);
    expect(sumOfSizes(countedParts([part(1), part(2), part(3, 5 * MiB)], undefined))).toBe(21 * MiB);
  });

  it('stops at a gap: parts after it were stored out of order by a PATCH that failed midway', () => {
    expect(countedParts([part(1), part(2), part(4)], undefined).map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(countedParts([part(2), part(3)], undefined)).toEqual([]);
  });

  it('ignores parts at or past the void mark (a discarded chunk), even when they are in order', () => {
    expect(countedParts([part(1), part(2), part(3)], 2).map((p) => p.PartNumber)).toEqual([1]);
    expect(countedParts([part(1), part(2), part(3)], 1)).toEqual([]);
    expect(countedParts([part(1), part(2)], 9).map((p) => p.PartNumber)).toEqual([1, 2]);
  });

  it('keeps the mark only while stale parts lie at or beyond the next part number', () => {
    const listed = [part(1), part(2), part(3), part(4)];
    expect(voidFromAfter(listed, 3)).toBe(3); // parts 3 and 4 are stale: they must not count
    expect(voidFromAfter(listed, 5)).toBeUndefined(); // this PATCH overwrote every stale part
    expect(voidFromAfter([], 1)).toBeUndefined();
  });
});

describe('part size', () => {
  const sizing = { preferred: 8 * MiB, min: 5 * MiB, maxParts: 10_000 };
  it('is the preferred size while the parts fit into the part limit, and grows past it', () => {
    expect(partSizeFor(1024 * MiB, sizing)).toBe(8 * MiB);
    expect(partSizeFor(100 * 1024 * MiB, sizing)).toBe(Math.ceil((100 * 1024 * MiB) / 10_000));
    expect(partSizeFor(10, sizing)).toBe(8 * MiB);
  });
  it('never goes under S3 minimum', () => {
    expect(partSizeFor(MiB, { preferred: MiB, min: 5 * MiB, maxParts: 10_000 })).toBe(5 * MiB);
  });
});

describe('where the last bytes of a PATCH go', () => {
  const min = 5 * MiB;
  it('the last part of a whole upload, however small (S3 allows a small last part)', () => {
    expect(placeRemainder(100, true, min, 3)).toBe('last-part');
    expect(placeRemainder(0, true, min, 3)).toBe('nothing');
    expect(placeRemainder(0, true, min, 0)).toBe('last-part'); // a multipart upload needs one part to complete
  });
  it('a part of its own from 5 MiB, else the .part tail, else nowhere', () => {
    expect(placeRemainder(min, false, min, 1)).toBe('part');
    expect(placeRemainder(min - 1, false, min, 1)).toBe('tail');
    expect(placeRemainder(0, false, min, 1)).toBe('nothing');
  });
});
