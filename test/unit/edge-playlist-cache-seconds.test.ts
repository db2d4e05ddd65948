import { describe, expect, it } from 'vitest';
import { EDGE_CACHE_MAX_SECONDS, freshSecondsLeft, sharedCacheSeconds } from '../../edge/src/playback/cache-control.ts';

describe('how long the edge keeps an origin playlist', () => {
  it("takes the shared lifetime from Cache-Control, and nothing the origin kept private or didn't date", () => {
    expect(sharedCacheSeconds('public, max-age=2')).toBe(2);
    expect(sharedCacheSeconds('public, s-maxage=5, max-age=1')).toBe(5);
    expect(sharedCacheSeconds('public, max-age=31536000, immutable')).toBe(EDGE_CACHE_MAX_SECONDS);
    for (const header of [null, 'no-store', 'private, max-age=9', 'public, max-age=1, no-cache', 'public', 'max-age=abc', 'max-age=0']) expect(sharedCacheSeconds(header)).toBe(0);
  });

  it('subtracts the seconds the shield already held it (Age), so a live playlist is never kept twice its max-age', () => {
    expect(freshSecondsLeft('public, max-age=1', null)).toBe(1);
    expect(freshSecondsLeft('public, max-age=1', '0')).toBe(1);
    expect(freshSecondsLeft('public, max-age=1', '1')).toBe(0);
    expect(freshSecondsLeft('public, max-age=2', '1')).toBe(1);
    expect(freshSecondsLeft('public, max-age=2', '7')).toBe(0);
    expect(freshSecondsLeft('public, max-age=31536000, immutable', '3600')).toBe(EDGE_CACHE_MAX_SECONDS);
  });

  it('ignores an Age it cannot read rather than refusing to cache', () => {
    for (const age of ['', 'soon', '-4', 'NaN']) expect(freshSecondsLeft('public, max-age=2', age)).toBe(2);
    expect(freshSecondsLeft('no-store', '0')).toBe(0);
  });
});
