import { describe, expect, it } from 'vitest';
import { deliveryDirectives } from '../../edge/src/playback/delivery-directives.ts';

const read = (query: string) => deliveryDirectives(new URLSearchParams(query));

describe('deliveryDirectives (LL-HLS _HLS_msn / _HLS_part on a playlist URL)', () => {
  it('is not blocking without _HLS_msn, whatever else the query carries', () => {
    expect(read('')).toEqual({ ok: true, blocking: false });
    expect(read('cachebust=1&_HLS_skip=YES')).toEqual({ ok: true, blocking: false });
  });

  it('forwards _HLS_msn and _HLS_part alone, in a fixed order, as the numbers they are', () => {
    expect(read('_HLS_msn=41')).toEqual({ ok: true, blocking: true, msn: 41, query: '_HLS_msn=41' });
    expect(read('x=1&_HLS_part=0&_HLS_skip=v2&_HLS_msn=0041')).toEqual({ ok: true, blocking: true, msn: 41, part: 0, query: '_HLS_msn=41&_HLS_part=0' });
  });

  const refused: [string, RegExp][] = [
    ['_HLS_msn=abc', /_HLS_msn must be a non-negative decimal integer, got "abc"/],
    ['_HLS_msn=-1', /_HLS_msn must be/],
    ['_HLS_msn=1.5', /_HLS_msn must be/],
    ['_HLS_msn=', /_HLS_msn must be/],
    ['_HLS_msn=1e3', /_HLS_msn must be/],
    ['_HLS_msn=9999999999999999', /_HLS_msn must be/],
    ['_HLS_msn=4&_HLS_part=x', /_HLS_part must be/],
    ['_HLS_msn=4&_HLS_msn=5', /given 2 times/],
    ['_HLS_part=2', /_HLS_part needs _HLS_msn/],
  ];
  it.each(refused)('refuses %s, naming the directive', (query, message) => {
    const result = read(query);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
