import { describe, expect, it } from 'vitest';
import { ipInRanges, parseCidr, parseIp } from '../../contracts/cidr.ts';

describe('parseIp', () => {
  it('reads IPv4, IPv6 (with ::, zone and embedded IPv4) and unmaps ::ffff:a.b.c.d', () => {
    expect(parseIp('203.0.113.9')).toEqual([203, 0, 113, 9]);
    expect(parseIp('::1')).toEqual([...Array(15).fill(0), 1]);
    expect(parseIp('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1]);
    expect(parseIp('fe80::1%eth0')?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIp('::ffff:10.0.0.1')).toEqual([10, 0, 0, 1]);
    expect(parseIp('64:ff9b::192.0.2.33')?.slice(12)).toEqual([192, 0, 2, 33]);
  });

  it('refuses what is not an address', () => {
    for (const text of ['1.2.3', '1.2.3.256', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2', 'g::1', '', 'localhost']) expect(parseIp(text), text).toBeNull();
  });
});

describe('ipInRanges', () => {
  it('matches prefixes on byte and bit boundaries, IPv4 and IPv6', () => {
    expect(ipInRanges('10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(ipInRanges('192.168.1.130', ['192.168.1.128/25'])).toBe(true);
    expect(ipInRanges('192.168.1.127', ['192.168.1.128/25'])).toBe(false);
    expect(ipInRanges('2001:db8:ffff::1', ['2001:db8::/32'])).toBe(true);
    expect(ipInRanges('2001:db9::1', ['2001:db8::/32'])).toBe(false);
    expect(ipInRanges('203.0.113.9', ['203.0.113.9'])).toBe(true);
    expect(ipInRanges('1.2.3.4', ['0.0.0.0/0'])).toBe(true);
  });

  it('never matches across families, and treats a mapped IPv4 as IPv4', () => {
    expect(ipInRanges('::ffff:10.0.0.1', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('10.0.0.1', ['::/0'])).toBe(false);
    expect(ipInRanges('not-an-ip', ['0.0.0.0/0'])).toBe(false);
  });

  it('refuses malformed ranges', () => {
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/8/8', '10.0.0.0/x', '']) expect(parseCidr(text), text).toBeNull();
  });
});
