import { describe, expect, it } from 'vitest';
import { progressReader, spanProgress } from '../../transcoder/src/ffmpeg/progress.ts';
import { playlistSegments, renditionBandwidth } from '../../transcoder/src/media/rendition-stats.ts';
import { storyboardLayout, storyboardVtt } from '../../transcoder/src/media/storyboard.ts';

const playlist = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.000000,
seg_00001.m4s
#EXTINF:4.000000,
seg_00002.m4s
#EXTINF:0.500000,
seg_00003.m4s
#EXT-X-ENDLIST
`;

describe('playlistSegments / renditionBandwidth', () => {
  it('reads segments and computes peak and average bitrates from stored sizes', () => {
    const parsed = playlistSegments(playlist);
    expect(parsed).toMatchObject({ ok: true, mapUri: 'init.mp4' });
    if (!parsed.ok) return;
    expect(parsed.segments.map((s) => s.uri)).toEqual(['seg_00001.m4s', 'seg_00002.m4s', 'seg_00003.m4s']);
    const sizes: Record<string, number> = { 'seg_00001.m4s': 500_000, 'seg_00002.m4s': 1_000_000, 'seg_00003.m4s': 200_000 };
    // peak: 1 MB over 4 s = 2 Mbit/s; the 0.5 s tail counts as 1 s (1.6 Mbit/s), not 3.2
    expect(renditionBandwidth(parsed.segments, (uri) => sizes[uri]!)).toEqual({ bandwidth: 2_000_000, averageBandwidth: Math.ceil((1_700_000 * 8) / 8.5) });
  });

  it('reports what is wrong with a bad playlist', () => {
    expect(playlistSegments('hello')).toEqual({ ok: false, reason: 'not an HLS playlist (no #EXTM3U)' });
    expect(playlistSegments('#EXTM3U\nseg.m4s\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/no #EXTINF/) });
    expect(playlistSegments('#EXTM3U\n#EXT-X-ENDLIST\n')).toMatchObject({ ok: false, reason: 'playlist lists no segments' });
  });
});

describe('progressReader', () => {
  it('reports each block, keeps the furthest time, and sees the end', () => {
    const seen: { outTimeSeconds: number; done: boolean }[] = [];
    const read = progressReader((progress) => seen.push(progress));
    for (const line of ['frame=10', 'out_time_us=2000000', 'out_time_ms=2000000', 'progress=continue', 'out_time_us=N/A', 'progress=continue', 'out_time_us=8000000', 'progress=end']) read(line);
    expect(seen).toEqual([{ outTimeSeconds: 2, done: false }, { outTimeSeconds: 2, done: false }, { outTimeSeconds: 8, done: true }]);
  });

  it('maps a run into its span of the job', () => {
    expect(spanProgress(4, 8, [0.2, 0.9])).toBeCloseTo(0.55);
    expect(spanProgress(99, 8, [0.2, 0.9])).toBeCloseTo(0.9);
    expect(spanProgress(1, 0, [0.2, 0.9])).toBe(0.2);
  });
});

describe('storyboard', () => {
  it('lays out at most 100 tiles, one per second or more', () => {
    expect(storyboardLayout(8, 1280, 720)).toEqual({ intervalSeconds: 1, tileCount: 8, tileWidth: 160, tileHeight: 90, columns: 8, rows: 1 });
    expect(storyboardLayout(3600, 1920, 1080)).toMatchObject({ intervalSeconds: 36, tileCount: 100, columns: 10, rows: 10 });
    expect(storyboardLayout(10, 720, 1280)).toMatchObject({ tileWidth: 90, tileHeight: 160 });
  });

  it('writes one WebVTT cue per tile with its place in the sprite', () => {
    const vtt = storyboardVtt(storyboardLayout(25, 1280, 720), 25, 'storyboard.jpg');
    expect(vtt.startsWith('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nstoryboard.jpg#xywh=0,0,160,90\n')).toBe(true);
    expect(vtt).toContain('00:00:11.000 --> 00:00:12.000\nstoryboard.jpg#xywh=160,90,160,90');
    expect(vtt.trimEnd().endsWith('00:00:24.000 --> 00:00:25.000\nstoryboard.jpg#xywh=640,180,160,90')).toBe(true);
  });
});
