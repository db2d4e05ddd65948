import { parse } from 'hls-parser';
import type { MasterPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { masterPlaylist, vodPlaylist } from '../../bench/lib/playback-fixtures.ts';
import { rewriteMaster } from '../../edge/src/playback/rewrite-master.ts';

const tokenPath = '/v/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ2aWQxIn0.c2ln/';

function rewrittenMaster(maxHeight?: number, text = masterPlaylist()): MasterPlaylist {
  const result = rewriteMaster(text, { tokenPath, ...(maxHeight === undefined ? {} : { maxHeight }) });
  if (!result.ok) throw new Error(result.error);
  return parse(result.text) as MasterPlaylist;
}

describe('rewriteMaster', () => {
  it('keeps every variant URI relative to the token path, including absolute origin URIs', () => {
    const master = rewrittenMaster();
    expect(master.variants.filter((v) => !v.isIFrameOnly).map((v) => v.uri)).toEqual([
      '240p/playlist.m3u8', '360p/playlist.m3u8', '480p/playlist.m3u8', '720p/playlist.m3u8', '1080p/playlist.m3u8',
    ]);
    expect(master.variants.filter((v) => v.isIFrameOnly).map((v) => v.uri)).toEqual(['360p/iframes.m3u8', '1080p/iframes.m3u8']);
    for (const variant of master.variants) expect(new URL(variant.uri, `https://edge${tokenPath}master.m3u8`).pathname.startsWith(tokenPath)).toBe(true);
  });

  it('keeps audio and subtitle renditions, with edge-relative URIs', () => {
    const variant = rewrittenMaster(720).variants[0]!;
    expect(variant.audio.map((r) => [r.name, r.uri, r.isDefault])).toEqual([['English', 'audio/en/playlist.m3u8', true]]);
    expect(variant.subtitles.map((r) => [r.language, r.uri])).toEqual([['fr', 'subs/fr/playlist.m3u8']]);
  });

  it('drops variants and I-frame playlists above maxHeight', () => {
    const master = rewrittenMaster(720);
    expect(master.variants.map((v) => [v.resolution?.height, Boolean(v.isIFrameOnly)])).toEqual([
      [240, false], [360, false], [480, false], [720, false], [360, true],
    ]);
  });

  it('keeps the lowest variant when every variant is above maxHeight', () => {
    const master = rewrittenMaster(100);
    expect(master.variants.map((v) => [v.resolution?.height, Boolean(v.isIFrameOnly)])).toEqual([[240, false], [360, true]]);
  });

  it('refuses URIs that would leave the token path or the video', () => {
    const escape = masterPlaylist().replace('240p/playlist.m3u8', '../../other/playlist.m3u8');
    expect(rewriteMaster(escape, { tokenPath })).toMatchObject({ ok: false, error: /outside the playback path/ });
    const foreign = masterPlaylist().replace('240p/playlist.m3u8', 'https://evil.example/x.m3u8');
    expect(rewriteMaster(foreign, { tokenPath })).toMatchObject({ ok: false, error: /outside \/media/ });
  });

  it('returns an error value for malformed input and media playlists, never a throw', () => {
    for (const text of ['', 'garbage', '#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\n', vodPlaylist({ segments: 2 }), '#EXTM3U\n']) {
      const result = rewriteMaster(text, { tokenPath });
      expect(result.ok, text).toBe(false);
    }
  });
});
