import { parse } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { masterPlaylist, vodPlaylist, type VodPlaylistShape } from '../../bench/lib/playback-fixtures.ts';
import { rewriteMediaWithHlsParser } from '../../edge/src/playback/rewrite-media-hls.ts';
import { rewriteMedia } from '../../edge/src/playback/rewrite-media.ts';

const options = { nodeBaseUrl: 'http://127.0.0.1:8081/', mediaPathPrefix: '/media/vid1/720p/', segmentQuery: 'st=SIG&e=1767225600' };
const node = 'http://127.0.0.1:8081/media/vid1/720p';

function rewritten(text: string, rewrite = rewriteMedia): string {
  const result = rewrite(text, options);
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

/** What a player sees: every segment's URI, timing, byterange, discontinuity, init segment and date. */
function semantics(text: string) {
  const playlist = parse(text) as MediaPlaylist;
  return {
    targetDuration: playlist.targetDuration,
    endlist: playlist.endlist,
    playlistType: playlist.playlistType,
    mediaSequenceBase: playlist.mediaSequenceBase ?? 0,
    segments: playlist.segments.map((s) => ({
      uri: s.uri,
      duration: s.duration,
      byterange: s.byterange,
      discontinuity: s.discontinuity,
      map: s.map && { uri: s.map.uri, byterange: s.map.byterange },
      key: s.key?.uri,
      programDateTime: s.programDateTime?.toISOString(),
    })),
  };
}

const samples: [string, VodPlaylistShape][] = [
  ['fMP4 with EXT-X-MAP', { segments: 30, fmp4: true }],
  ['discontinuities with a new init segment each', { segments: 30, fmp4: true, discontinuityEvery: 7, programDateTime: true }],
  ['byteranges of one file', { segments: 30, fmp4: true, byteranges: true }],
  ['MPEG-TS, ../-relative URIs', { segments: 30, uriStyle: 'dotdot', discontinuityEvery: 10 }],
  ['absolute origin URLs', { segments: 30, fmp4: true, uriStyle: 'origin-url' }],
  ['absolute paths', { segments: 30, fmp4: true, uriStyle: 'absolute-path', byteranges: true }],
];

describe('rewriteMedia', () => {
  it.each(samples)('gives what hls-parser parse+rewrite+stringify gives: %s', (_, shape) => {
    const text = vodPlaylist(shape);
    const lineBased = semantics(rewritten(text));
    expect(lineBased).toEqual(semantics(rewritten(text, rewriteMediaWithHlsParser)));
    expect(lineBased.segments.length).toBe(30);
    expect(lineBased.endlist).toBe(true);
  });

  it('points every segment and init segment at the node, with the token', () => {
    const text = rewritten(vodPlaylist({ segments: 3, fmp4: true, discontinuityEvery: 2, byteranges: true }));
    expect(text).toContain(`#EXT-X-MAP:URI="${node}/init.mp4?st=SIG&e=1767225600"`);
    expect(text).toContain(`#EXT-X-MAP:URI="${node}/init_2.mp4?st=SIG&e=1767225600"`);
    expect(text).toContain(`#EXT-X-BYTERANGE:100001@200000\n${node}/all.m4s?st=SIG&e=1767225600\n#EXT-X-DISCONTINUITY`);
    const uriLines = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(uriLines).toHaveLength(3);
    expect(uriLines.every((line) => line.startsWith(`${node}/`) && line.endsWith('?st=SIG&e=1767225600'))).toBe(true);
  });

  it('copies every other line unchanged', () => {
    const text = vodPlaylist({ segments: 10, fmp4: true, discontinuityEvery: 4, programDateTime: true });
    const before = text.split('\n');
    const after = rewritten(text).split('\n');
    expect(after).toHaveLength(before.length);
    after.forEach((line, i) => {
      if (!line.startsWith(node) && !line.startsWith('#EXT-X-MAP')) expect(line).toBe(before[i]);
    });
  });

  it('adds the token with & to a URI that has a query, and handles CRLF', () => {
    const text = '#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXTINF:4,\r\nseg.ts?v=2\r\n#EXT-X-ENDLIST\r\n';
    expect(rewritten(text)).toContain(`${node}/seg.ts?v=2&st=SIG&e=1767225600\n`);
  });

  it('passes the playlist duration to a query function, so the expiry can cover it', () => {
    const result = rewriteMedia(vodPlaylist({ segments: 1800, fmp4: true }), { ...options, segmentQuery: ({ durationSeconds }) => `e=${durationSeconds}` });
    expect(result.ok && result.durationSeconds).toBe(7200);
    expect(result.ok && result.text).toContain('seg_01799.m4s?e=7200');
  });
});

describe('rewriteMedia refuses malformed playlists with a reason (and never throws)', () => {
  const cases: [string, string, RegExp][] = [
    ['no #EXTM3U', '#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n', /start with #EXTM3U/],
    ['no target duration', '#EXTM3U\n#EXTINF:4,\na.ts\n', /TARGETDURATION/],
    ['#EXTINF without URI at the end', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n', /no URI/],
    ['two #EXTINF in a row', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n#EXTINF:4,\na.ts\n', /no URI/],
    ['a URI without #EXTINF', '#EXTM3U\n#EXT-X-TARGETDURATION:4\na.ts\n', /without a preceding #EXTINF/],
    ['a bad duration', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:four,\na.ts\n', /not a number/],
    ['a master playlist', masterPlaylist(), /master playlist/],
    ['a segment of another video', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n../../vid2/720p/a.ts\n', /outside \/media\/vid1\//],
    ['a segment on another host outside /media', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nhttps://evil.example/a.ts\n', /outside/],
    ['a map without URI', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:BYTERANGE="1@0"\n#EXTINF:4,\na.ts\n', /no quoted URI/],
    ['a part without URI', '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PART:DURATION=1\n', /EXT-X-PART has no quoted URI/],
    ['garbage', '\u0000\u0001 binary', /#EXTM3U/],
    ['empty', '', /#EXTM3U/],
  ];
  it.each(cases)('%s', (_, text, reason) => {
    const result = rewriteMedia(text, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it('refuses bad options', () => {
    expect(rewriteMedia(vodPlaylist({ segments: 1 }), { ...options, mediaPathPrefix: '/media/../' })).toMatchObject({ ok: false, error: /mediaPathPrefix/ });
    expect(rewriteMedia(vodPlaylist({ segments: 1 }), { ...options, nodeBaseUrl: 'ftp://x' })).toMatchObject({ ok: false, error: /http/ });
  });
});
