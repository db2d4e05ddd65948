import { parse } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { mediaPlaylistText, playlistEnded } from '../../transcoder/src/media/media-playlist.ts';
import { playlistSegments } from '../../transcoder/src/media/rendition-stats.ts';

const segments = [{ uri: 'seg_00001.m4s', seconds: 4 }, { uri: 'seg_00002.m4s', seconds: 4 }, { uri: 'seg_00003.m4s', seconds: 1.5 }];

describe('mediaPlaylistText', () => {
  it('writes a complete VOD playlist hls-parser reads back segment for segment', () => {
    const text = mediaPlaylistText({ type: 'VOD', segments, mapUri: 'init.mp4', ended: true });
    const playlist = parse(text) as MediaPlaylist;
    expect(playlist.playlistType).toBe('VOD');
    expect(playlist.endlist).toBe(true);
    expect(playlist.targetDuration).toBe(4);
    expect(playlist.segments.map((segment) => [segment.uri, segment.duration, segment.map?.uri])).toEqual([
      ['seg_00001.m4s', 4, 'init.mp4'], ['seg_00002.m4s', 4, 'init.mp4'], ['seg_00003.m4s', 1.5, 'init.mp4'],
    ]);
    expect(text).not.toContain('EXT-X-START');
    expect(playlistEnded(text)).toBe(true);
    expect(playlistSegments(text)).toMatchObject({ ok: true, mapUri: 'init.mp4', segments });
  });

  it('writes a growing EVENT playlist that starts players at 0 and keeps its planned target duration', () => {
    const growing = mediaPlaylistText({ type: 'EVENT', segments: segments.slice(0, 1), mapUri: 'init.mp4', ended: false, targetSeconds: 4 });
    expect(growing).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(growing).toContain('#EXT-X-START:TIME-OFFSET=0\n');
    expect(growing).toContain('#EXT-X-TARGETDURATION:4\n');
    expect(playlistEnded(growing)).toBe(false);
    const finished = mediaPlaylistText({ type: 'EVENT', segments, mapUri: 'init.mp4', ended: true, targetSeconds: 4 });
    // Each version is the previous one plus lines: an EVENT playlist only ever appends.
    expect(finished.startsWith(growing)).toBe(true);
    expect(playlistEnded(finished)).toBe(true);
  });

  it('rounds the target duration so every EXTINF rounds to at most it (a copy cut at the source\'s key frames)', () => {
    const text = mediaPlaylistText({ type: 'VOD', segments: [{ uri: 'seg_00001.m4s', seconds: 8.342 }, { uri: 'seg_00002.m4s', seconds: 6.6 }], mapUri: 'init.mp4', ended: true });
    expect(text).toContain('#EXT-X-TARGETDURATION:8\n');
    expect(text).toContain('#EXTINF:8.342000,\nseg_00001.m4s');
  });
});
