import { describe, expect, it } from 'vitest';
import { noteListedSegments, segmentLagsMs, type ListedSegments } from '../../bench/lib/ladder-watch.ts';

const playlist = (durations: number[]) => ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MAP:URI="init_1.mp4"', ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(6)},`, `seg_${String(i + 1).padStart(5, '0')}.m4s`])].join('\n');

describe('the live ladder benches follow a playlist', () => {
  it('notes each segment once, when first listed, with its end on the media timeline', () => {
    const listed: ListedSegments = new Map();
    noteListedSegments(playlist([1]), listed, 5_000);
    noteListedSegments(playlist([1, 2]), listed, 7_100);
    noteListedSegments(playlist([1, 2, 2]), listed, 9_300);
    expect([...listed.entries()]).toEqual([
      ['seg_00001.m4s', { at: 5_000, endSeconds: 1 }],
      ['seg_00002.m4s', { at: 7_100, endSeconds: 3 }],
      ['seg_00003.m4s', { at: 9_300, endSeconds: 5 }],
    ]);
  });

  it('gives each segment its lag behind the source, leaving out the last (closed by the end of input)', () => {
    const listed: ListedSegments = new Map([
      ['seg_00001.m4s', { at: 5_000, endSeconds: 1 }],
      ['seg_00002.m4s', { at: 7_100, endSeconds: 3 }],
      ['seg_00003.m4s', { at: 8_000, endSeconds: 5 }],
    ]);
    expect(segmentLagsMs(listed, 3_500)).toEqual([500, 600]);
  });
});
