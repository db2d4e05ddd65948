import { describe, expect, it } from 'vitest';
import { cacheControlFor, immutableCache, shortCache } from '../../origin/src/gateway/cache-policy.ts';
import { noneMatchHits, singleByteRange, singleEntityTag } from '../../origin/src/gateway/http-conditional.ts';
import { parseMediaPath } from '../../origin/src/gateway/media-path.ts';

describe('parseMediaPath', () => {
  it.each([
    [['vid_1', 'master.m3u8'], 'master', 'vid_1/master.m3u8', 'application/vnd.apple.mpegurl'],
    [['vid_1', '720p', 'playlist.m3u8'], 'playlist', 'vid_1/720p/playlist.m3u8', 'application/vnd.apple.mpegurl'],
    [['vid_1', '720p', 'init.mp4'], 'init', 'vid_1/720p/init.mp4', 'video/mp4'],
    [['vid_1', '720p', 'seg_00042.m4s'], 'segment', 'vid_1/720p/seg_00042.m4s', 'video/iso.segment'],
    [['vid_1', 'thumbnail.jpg'], 'image', 'vid_1/thumbnail.jpg', 'image/jpeg'],
    [['vid_1', 'storyboard.jpg'], 'image', 'vid_1/storyboard.jpg', 'image/jpeg'],
    [['vid_1', 'storyboard.vtt'], 'storyboard-vtt', 'vid_1/storyboard.vtt', 'text/vtt; charset=utf-8'],
  ])('accepts %j as %s', (segments, kind, key, contentType) => {
    expect(parseMediaPath(segments)).toEqual({ ok: true, target: { videoId: 'vid_1', kind, key, contentType } });
  });

  it.each([
    [[]],
    [['..', 'master.m3u8']],
    [['vid_1', '..', 'init.mp4']],
    [['vid_1', '720p', '../../vora-raw/x']],
    [['vid_1', '../secret']],
    [['vid.1', 'master.m3u8']],
    [['vid_1', 'secret.txt']],
    [['vid_1', 'master.m3u8\u0000']],
    [['vid_1', '720p', 'seg_1.m4s.bak']],
    [['vid_1', '720p', 'playlist.m3u8', 'x']],
    [['vid_1', '720p', '']],
    [['a'.repeat(65), 'master.m3u8']],
    [['vid_1', 'a'.repeat(33), 'init.mp4']],
  ])('refuses %j with a reason', (segments) => {
    const result = parseMediaPath(segments);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  });
});

describe('cacheControlFor', () => {
  it('is immutable for stored files of a READY video and short otherwise', () => {
    expect(cacheControlFor('segment', 'READY')).toBe(immutableCache);
    expect(cacheControlFor('playlist', 'READY')).toBe(immutableCache);
    expect(cacheControlFor('init', 'READY')).toBe(immutableCache);
    expect(cacheControlFor('playlist', 'PLAYABLE')).toBe(shortCache);
    expect(cacheControlFor('segment', 'PROCESSING')).toBe(shortCache);
    expect(cacheControlFor('master', 'READY')).toBe(shortCache);
  });
});

describe('HTTP preconditions and ranges', () => {
  it('forwards one entity tag in strong form, and nothing for *, lists or junk', () => {
    expect(singleEntityTag('"abc"')).toBe('"abc"');
    expect(singleEntityTag('W/"abc"')).toBe('"abc"');
    expect(singleEntityTag('*')).toBeNull();
    expect(singleEntityTag('"a", "b"')).toBeNull();
    expect(singleEntityTag('abc')).toBeNull();
    expect(singleEntityTag(undefined)).toBeNull();
  });

  it('compares If-None-Match weakly, including lists and *', () => {
    expect(noneMatchHits('"x", W/"m-1"', '"m-1"')).toBe(true);
    expect(noneMatchHits('*', '"m-1"')).toBe(true);
    expect(noneMatchHits('"m-2"', '"m-1"')).toBe(false);
    expect(noneMatchHits(undefined, '"m-1"')).toBe(false);
  });

  it('forwards a single byte range and ignores what storage cannot honour', () => {
    expect(singleByteRange('bytes=0-99')).toBe('bytes=0-99');
    expect(singleByteRange('bytes=100-')).toBe('bytes=100-');
    expect(singleByteRange('bytes=-500')).toBe('bytes=-500');
    expect(singleByteRange('bytes=0-1,5-9')).toBeNull();
    expect(singleByteRange('bytes=9-1')).toBeNull();
    expect(singleByteRange('items=0-1')).toBeNull();
    expect(singleByteRange('bytes=-')).toBeNull();
    expect(singleByteRange(undefined)).toBeNull();
  });
});
