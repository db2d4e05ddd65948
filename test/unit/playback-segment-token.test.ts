import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderNginxSegmentTokenSnippet, segmentTokenExpiry, signSegmentToken } from '../../edge/src/playback/segment-token.ts';

const secret = 'unit-secret-0123456789abcdef';

describe('signSegmentToken', () => {
  it('signs expiry + /media/{videoId}/ + secret, the string nginx rebuilds', () => {
    const token = signSegmentToken({ videoId: 'vid1', expires: 1767225600, secret });
    const expected = createHash('md5').update(`1767225600/media/vid1/ ${secret}`).digest('base64url');
    expect(token).toEqual({ query: `st=${expected}&e=1767225600`, expires: 1767225600, prefix: '/media/vid1/' });
  });

  it('gives different videos, expiries and secrets different signatures', () => {
    const base = signSegmentToken({ videoId: 'vid1', expires: 1767225600, secret }).query;
    expect(signSegmentToken({ videoId: 'vid2', expires: 1767225600, secret }).query).not.toBe(base);
    expect(signSegmentToken({ videoId: 'vid1', expires: 1767225601, secret }).query).not.toBe(base);
    expect(signSegmentToken({ videoId: 'vid1', expires: 1767225600, secret: `${secret}x` }).query).not.toBe(base);
  });

  it('signs /media/live/{inputId}/ for a live input, which no video token matches', () => {
    const live = signSegmentToken({ videoId: 'live_abc', expires: 1767225600, secret, live: true });
    const expected = createHash('md5').update(`1767225600/media/live/live_abc/ ${secret}`).digest('base64url');
    expect(live).toEqual({ query: `st=${expected}&e=1767225600`, expires: 1767225600, prefix: '/media/live/live_abc/' });
    expect(signSegmentToken({ videoId: 'live_abc', expires: 1767225600, secret }).query).not.toBe(live.query);
    // A "video" named live would cover the folder of every live input.
    expect(() => signSegmentToken({ videoId: 'live', expires: 1767225600, secret })).toThrow(/live inputs' folder/);
  });

  it('refuses ids, expiries and secrets that would break the path or the nginx config', () => {
    expect(() => signSegmentToken({ videoId: '../x', expires: 1767225600, secret })).toThrow(/video id/);
    expect(() => signSegmentToken({ videoId: 'vid1', expires: 1.5, secret })).toThrow(/unix seconds/);
    expect(() => signSegmentToken({ videoId: 'vid1', expires: 1767225600, secret: 'short' })).toThrow(/16-128/);
    expect(() => renderNginxSegmentTokenSnippet('a-long-enough-secret"; return 200')).toThrow(/16-128/);
  });
});

describe('segmentTokenExpiry', () => {
  it('outlives the playlist plus slack, on a minute boundary', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 10);
    const expires = segmentTokenExpiry(now, 7200);
    expect(expires % 60).toBe(0);
    expect(expires).toBeGreaterThanOrEqual(now / 1000 + 7200 + 1800);
    expect(segmentTokenExpiry(now, 10)).toBeGreaterThanOrEqual(now / 1000 + 1800);
  });
});

describe('nginx snippet', () => {
  it('fills the secret into secure_link_md5 and reads st and e', () => {
    const { http, location } = renderNginxSegmentTokenSnippet(secret);
    expect(http).toContain('map $uri $vora_token_prefix');
    expect(location).toContain(`secure_link_md5 "$secure_link_expires$vora_token_prefix ${secret}";`);
    expect(location).toContain('secure_link $arg_st,$arg_e;');
    expect(location).not.toContain('{{');
  });
});
