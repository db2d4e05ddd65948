import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '../../channel-config/canonical-json.ts';
import { hashCanonical, sha256Hex } from '../../channel-config/hash.ts';

describe('canonical JSON (RFC 8785 style)', () => {
  it('reproduces the RFC 8785 §3.2.3 example byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 §3.2.3 orders its sorting example', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read the order from the text: Object.keys would move the integer-like key "1" first.
    const keys = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((match) => JSON.parse(`"${match[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes numbers in their shortest round-trip form', () => {
    const vectors: Array<[number, string]> = [
      [0, '0'], [-0, '0'], [1, '1'], [-1.5, '-1.5'], [1e21, '1e+21'], [1e-7, '1e-7'], [0.000001, '0.000001'],
      [9007199254740991, '9007199254740991'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, text] of vectors) expect(canonicalJson(value), String(value)).toBe(text);
  });

  it('has no whitespace, sorts nested objects, and ignores the order keys were written in', () => {
    expect(canonicalJson({ b: [{ z: 1, a: null }], a: { y: 'x', c: true } })).toBe('{"a":{"c":true,"y":"x"},"b":[{"a":null,"z":1}]}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('is a fixed point: canonicalising its own output parsed gives the same bytes', () => {
    const value = { s: 'é\u2028\ud800', n: [1e300, -2e-300], o: { '': {}, 'a/b~c': [] } };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });

  it('refuses what is not JSON, naming the JSON pointer', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ a: [1, Number.NaN] }, /\/a\/1: NaN is not a JSON number/],
      [{ x: Infinity }, /\/x: Infinity/],
      [{ 'a/b': -Infinity }, /\/a~1b: -Infinity/],
      [{ big: 10n }, /\/big: a bigint is not JSON/],
      [{ when: new Date(0) }, /\/when: a Date object is not JSON/],
      [[undefined], /\/0: undefined is not JSON/],
      [new Map(), /\(root\): a Map object/],
      [() => 1, /a function is not JSON/],
    ];
    for (const [value, message] of cases) {
      expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
      expect(() => canonicalJson(value)).toThrow(message);
    }
  });

  it('leaves out undefined object members, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});

describe('SHA-256 over canonical bytes (Web Crypto)', () => {
  it('matches the FIPS 180-2 "abc" vector and node:crypto', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const value = { z: [1, 'two', { three: 3 }], a: 'ü' };
    expect(await hashCanonical(value)).toBe(createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex'));
  });

  it('gives equal hashes for equal values written differently', async () => {
    expect(await hashCanonical(JSON.parse('{"b": 1.0, "a": [1E2]}'))).toBe(await hashCanonical({ a: [100], b: 1 }));
  });
});
