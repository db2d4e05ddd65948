import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5, toBase64Url, toHex } from '../../edge/src/playback/md5.ts';

describe('md5 (for nginx secure_link; Web Crypto has none)', () => {
  it('matches the RFC 1321 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of suite) expect(toHex(md5(input))).toBe(digest);
  });

  it('agrees with node:crypto around the padding boundaries and on UTF-8 and bytes', () => {
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
      const input = 'x'.repeat(length);
      expect(toHex(md5(input))).toBe(createHash('md5').update(input).digest('hex'));
    }
    expect(toHex(md5('vidéo ✓'))).toBe(createHash('md5').update('vidéo ✓').digest('hex'));
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255);
    expect(toHex(md5(bytes))).toBe(createHash('md5').update(bytes).digest('hex'));
  });

  it('encodes base64url without padding, like nginx expects', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 16]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 91 + 250) & 255);
      expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    expect(toBase64Url(md5('abc'))).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
