import { parse } from 'hls-parser';
import type { MasterPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { buildMasterPlaylist, publishedRenditions, variantUri, type MasterRendition } from '../../origin/src/gateway/master-playlist.ts';

const at = new Date('2026-01-01T00:00:00Z');
const rendition = (name: string, height: number, bandwidth: number, extra: Partial<MasterRendition> = {}): MasterRendition => ({
  videoId: 'vid_1', name, width: Math.round((height * 16) / 9), height, bandwidth, averageBandwidth: Math.round(bandwidth * 0.75),
  codecs: 'avc1.640028,mp4a.40.2', frameRate: 25, playlistKey: `vid_1/${name}/playlist.m3u8`, publishedAt: at, ...extra,
});

describe('buildMasterPlaylist', () => {
  it('writes one EXT-X-STREAM-INF per rendition, lowest bandwidth first, ending with a newline', () => {
    const text = buildMasterPlaylist([rendition('1080p', 1080, 5_000_000), rendition('360p', 360, 800_000), rendition('720p', 720, 2_800_000)]);
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,AVERAGE-BANDWIDTH=600000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=25.000',
        '360p/playlist.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2100000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000',
        '720p/playlist.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=5000000,AVERAGE-BANDWIDTH=3750000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=25.000',
        '1080p/playlist.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('rounds FRAME-RATE to three decimals (NTSC 30000/1001 → 29.970)', () => {
    const text = buildMasterPlaylist([rendition('360p', 360, 800_000, { frameRate: 30000 / 1001 })])!;
    expect(text).toContain(',FRAME-RATE=29.970\n');
  });

  it('leaves out AVERAGE-BANDWIDTH and FRAME-RATE when they are not known, and rounds bandwidths to integers', () => {
    const text = buildMasterPlaylist([rendition('360p', 360, 800_000.6, { averageBandwidth: null, frameRate: null })])!;
    expect(text).toContain('#EXT-X-STREAM-INF:BANDWIDTH=800001,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=640x360\n');
  });

  it('round-trips through a strict HLS parser with every attribute intact', () => {
    const text = buildMasterPlaylist([rendition('720p', 720, 2_800_000, { frameRate: 59.94 }), rendition('360p', 360, 800_000)])!;
    const parsed = parse(text) as MasterPlaylist;
    expect(parsed.isMasterPlaylist).toBe(true);
    expect(parsed.variants.map((v) => [v.uri, v.bandwidth, v.averageBandwidth, v.codecs, v.resolution, v.frameRate])).toEqual([
      ['360p/playlist.m3u8', 800_000, 600_000, 'avc1.640028,mp4a.40.2', { width: 640, height: 360 }, 25],
      ['720p/playlist.m3u8', 2_800_000, 2_100_000, 'avc1.640028,mp4a.40.2', { width: 1280, height: 720 }, 59.94],
    ]);
  });

  it('returns null when there is nothing to play', () => {
    expect(buildMasterPlaylist([])).toBeNull();
  });

  it('drops rows whose text would break or escape the playlist', () => {
    const bad = [
      rendition('q', 360, 1, { codecs: 'avc1"\n#EXT-X-ENDLIST' }),
      rendition('x', 360, 1, { playlistKey: 'vid_1/../other/playlist.m3u8' }),
      rendition('y', 360, 1, { playlistKey: 'vid_1/360p/playlist.m3u8\nhttp://evil/' }),
      rendition('z', 0, 1),
    ];
    expect(buildMasterPlaylist(bad)).toBeNull();
    expect(buildMasterPlaylist([...bad, rendition('360p', 360, 800_000)])!.match(/EXT-X-STREAM-INF/g)).toHaveLength(1);
  });
});

describe('variantUri and publishedRenditions', () => {
  it('makes the playlist key relative to the master', () => {
    expect(variantUri(rendition('720p', 720, 1))).toBe('720p/playlist.m3u8');
    expect(variantUri({ videoId: 'vid_1', name: '720p', playlistKey: 'elsewhere/720p.m3u8' })).toBe('720p/playlist.m3u8');
  });

  it('keeps only renditions published by now', () => {
    const later = rendition('1080p', 1080, 5_000_000, { publishedAt: new Date(at.getTime() + 1) });
    expect(publishedRenditions([rendition('360p', 360, 1), later], at).map((r) => r.name)).toEqual(['360p']);
  });
});
