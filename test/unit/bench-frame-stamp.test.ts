import { describe, expect, it } from 'vitest';
import { boxCentres, decodeStamp, fromGray, glassToGlassMs, grayOf, lumasOf, STAMP_BITS, STAMP_LAYOUT, STAMP_MODULUS, stampAt, stampFilter } from '../../bench/lib/frame-stamp.ts';

describe('the glass-to-glass frame stamp', () => {
  it('reads back the millisecond it was drawn with, across the bits and the wrap', () => {
    for (const at of [0, 1, 2, 1023, 1024, 5_683_170, STAMP_MODULUS - 1, 1_765_000_000_123]) {
      expect(decodeStamp(lumasOf(stampAt(at)))).toBe(stampAt(at));
    }
  });

  it('Gray-codes neighbours one bit apart, so boxes drawn while the millisecond turns read as one of the two', () => {
    for (let n = 0; n < 5000; n += 1) {
      expect(fromGray(grayOf(n))).toBe(n);
      const changed = grayOf(n) ^ grayOf(n + 1);
      expect(changed & (changed - 1)).toBe(0);
    }
    // Low bits from 1023, high bits from 1024 (in Gray code): still 1023 or 1024.
    const mixed = [...lumasOf(1023).slice(0, 10), ...lumasOf(1024).slice(10, STAMP_BITS)];
    expect([1023, 1024]).toContain(decodeStamp([...mixed, ...mixed]));
  });

  it('refuses a box that is neither white nor black, rows that disagree, and the wrong number of boxes', () => {
    const grey = lumasOf(1234);
    grey[5] = 128;
    expect(decodeStamp(grey)).toBeNull();
    expect(decodeStamp([...lumasOf(1000).slice(0, STAMP_BITS), ...lumasOf(2000).slice(STAMP_BITS)])).toBeNull();
    expect(decodeStamp([...lumasOf(1000).slice(0, STAMP_BITS), ...lumasOf(1001).slice(STAMP_BITS)])).toBe(1000);
    expect(decodeStamp(lumasOf(1).slice(1))).toBeNull();
  });

  it('measures the latency as the page clock minus the stamp, modulo the wrap', () => {
    const captured = 1_765_000_000_000;
    expect(glassToGlassMs(captured + 2_345, stampAt(captured))).toBe(2_345);
    const justBeforeWrap = Math.ceil(captured / STAMP_MODULUS) * STAMP_MODULUS - 100;
    expect(glassToGlassMs(justBeforeWrap + 4_000, stampAt(justBeforeWrap))).toBe(4_000);
  });

  it('draws one box per bit and row inside the strip, and places the read-back points inside the boxes', () => {
    const filter = stampFilter();
    expect(filter.match(/drawbox=/g)).toHaveLength(1 + 2 * STAMP_BITS);
    expect(filter).toContain('time(0)');
    const { width, height, stripHeight } = STAMP_LAYOUT;
    for (const [fx, fy] of boxCentres()) {
      expect(fx * width).toBeLessThan(width);
      expect(fy * height).toBeLessThan(stripHeight);
    }
    expect(boxCentres()).toHaveLength(2 * STAMP_BITS);
  });
});
