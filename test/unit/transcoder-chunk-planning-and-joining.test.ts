import { describe, expect, it } from 'vitest';
import { chunkInputArgs, chunkOutputArgs, chunkSegmentPattern } from '../../transcoder/src/chunks/chunk-args.ts';
import { chunkLengthFor } from '../../transcoder/src/chunks/chunk-policy.ts';
import { joinChunkSegments, type ChunkRendition } from '../../transcoder/src/chunks/join-chunks.ts';
import { keyframeScanArgs, parseKeyframeCrc } from '../../transcoder/src/chunks/keyframe-scan.ts';
import { planChunks } from '../../transcoder/src/chunks/plan-chunks.ts';

const every = (step: number, until: number) => Array.from({ length: Math.floor(until / step) + 1 }, (_, i) => Number((i * step).toFixed(6)));
const windows = (chunks: ReturnType<typeof planChunks>) => chunks.map((c) => [c.startSeconds, Number(c.durationSeconds.toFixed(3)), c.last]);
const options = { chunkSeconds: 64, minChunkSeconds: 8 };

describe('planChunks', () => {
  it('cuts a 5 min source with a key frame every 2 s exactly at multiples of 64 s', () => {
    expect(windows(planChunks(every(2, 300), 300, options))).toEqual([[0, 64, false], [64, 64, false], [128, 64, false], [192, 64, false], [256, 44, true]]);
  });

  it('moves a boundary that lands mid-GOP to the nearest key frame, never cutting between two', () => {
    const keyframes = every(2.5, 300); // 62.5, 65 … around 64; 127.5, 130 around 128
    const chunks = planChunks(keyframes, 300, options);
    expect(chunks.map((c) => c.startSeconds)).toEqual([0, 65, 127.5, 192.5, 255]);
    for (const chunk of chunks) expect(keyframes).toContain(chunk.startSeconds);
  });

  it('drops a boundary with no key frame within half a chunk, and merges a too-short tail', () => {
    const sparse = [0, 20, 140, 150, 290];
    expect(windows(planChunks(sparse, 300, options))).toEqual([[0, 140, false], [140, 160, true]]);
    expect(windows(planChunks(every(2, 132), 132, options))).toEqual([[0, 64, false], [64, 68, true]]);
  });

  it('makes one chunk of a source with a single key frame', () => {
    expect(windows(planChunks([0], 400, options))).toEqual([[0, 400, true]]);
  });
});

describe('chunkLengthFor', () => {
  it('chunks sources longer than 5 min by default, follows a per-video override, and never chunks a source shorter than one chunk', () => {
    expect(chunkLengthFor(300, undefined)).toBeNull();
    expect(chunkLengthFor(301, undefined)).toBe(64);
    expect(chunkLengthFor(3600, 0)).toBeNull();
    expect(chunkLengthFor(30, 8)).toBe(8);
    expect(chunkLengthFor(6, 8)).toBeNull();
  });
});

const part = (index: number, start: number, duration: number, last: boolean, seconds: number[]): ChunkRendition => ({
  chunk: { index, startSeconds: start, durationSeconds: duration, last },
  segments: seconds.map((s, i) => ({ uri: `seg_${String(index).padStart(3, '0')}${String(i + 1).padStart(5, '0')}.m4s`, seconds: s })),
});

describe('joinChunkSegments', () => {
  it('joins chunks in order into one list with unique names and no discontinuity', () => {
    const joined = joinChunkSegments('720p', [part(1, 8, 8, false, [4, 4]), part(0, 0, 8, false, [4, 4]), part(2, 16, 5.5, true, [4, 1.5])]);
    expect(joined).toEqual({ ok: true, segments: [
      { uri: 'seg_00000001.m4s', seconds: 4 }, { uri: 'seg_00000002.m4s', seconds: 4 }, { uri: 'seg_00100001.m4s', seconds: 4 },
      { uri: 'seg_00100002.m4s', seconds: 4 }, { uri: 'seg_00200001.m4s', seconds: 4 }, { uri: 'seg_00200002.m4s', seconds: 1.5 },
    ] });
  });

  it.each<[string, ChunkRendition[], RegExp]>([
    ['a missing chunk', [part(0, 0, 8, false, [4, 4]), part(2, 16, 4, true, [4])], /chunk 1 is missing/],
    ['a gap between chunks', [part(0, 0, 8, false, [4, 4]), part(1, 8.5, 4, true, [4])], /chunk 1 starts at 8\.5 s, not where chunk 0 ended \(8 s\)/],
    ['segments that do not fill their chunk', [part(0, 0, 8, false, [4, 3]), part(1, 8, 4, true, [4])], /chunk 0 lasts 8\.000 s but its segments add up to 7\.000 s/],
    ['an empty chunk', [part(0, 0, 8, false, []), part(1, 8, 4, true, [4])], /chunk 0 has no segment/],
    ['a last chunk not marked last', [part(0, 0, 8, false, [4, 4]), part(1, 8, 4, false, [4])], /chunk 1 is not marked last/],
    ['a name used twice', [part(0, 0, 8, false, [4, 4]), { ...part(1, 8, 4, true, [4]), segments: [{ uri: 'seg_00000001.m4s', seconds: 4 }] }], /seg_00000001\.m4s appears twice/],
  ])('refuses %s', (_, parts, reason) => {
    const joined = joinChunkSegments('360p', parts);
    expect(joined.ok).toBe(false);
    if (!joined.ok) expect(joined.reason).toMatch(reason);
  });
});

describe('chunk FFmpeg options', () => {
  it('seeks to the chunk, puts its output back on the source timeline, and keeps audio frames inside it', () => {
    const chunk = { index: 2, startSeconds: 128.0000004, durationSeconds: 64, last: false };
    expect(chunkSegmentPattern(2)).toBe('seg_002%05d.m4s');
    expect(chunkInputArgs(chunk)).toEqual(['-ss', '128.000000']);
    // One second later on the output timeline, for every chunk alike (chunk 0 would otherwise start below zero and be shifted).
    expect(chunkOutputArgs(chunk, true)).toEqual(['-t', '64.000000', '-output_ts_offset', '129.000000', '-bsf:a', 'noise=drop=lt(pts\\,0)+gt(pts+1024\\,3072000)']);
    expect(chunkOutputArgs({ ...chunk, last: true }, true).at(-1)).toBe('noise=drop=lt(pts\\,0)');
    expect(chunkOutputArgs(chunk, false)).not.toContain('-bsf:a');
  });
});

describe('key-frame scan', () => {
  it('reads key frames from framecrc (no F= means exactly the key flag), in seconds of the stream time base', () => {
    const crc = ['#tb 0: 1/15360', '#media_type 0: video', '0,          0,          0,      512,    49611, 0xd10c5cda', '0,        512,        512,      512,     2597, 0xa4d414de, F=0x0',
      '0,      30720,      30720,      512,    58122, 0x1576058c', '0,      61440,      61952,      512,    60969, 0xafe518d3, F=0x5'].join('\n');
    expect(parseKeyframeCrc(crc)).toEqual({ ok: true, keyframes: [0, 2, 61952 / 15360] });
    expect(parseKeyframeCrc('0, 0, 0, 1, 1, 0x0')).toEqual({ ok: false, reason: 'framecrc output has no time base for stream 0' });
    expect(parseKeyframeCrc('#tb 0: 1/1000\n0, 0, 0, 1, 1, 0x0, F=0x0')).toEqual({ ok: false, reason: 'the source has no key frame' });
  });

  it('lets the demuxer skip every packet that is not a key frame', () => {
    expect(keyframeScanArgs({ input: 'file:/a.mp4', protocols: ['file'], remote: false }).join(' ')).toBe(
      '-hide_banner -nostdin -v error -protocol_whitelist file -discard:v nokey -i file:/a.mp4 -map 0:v:0 -c copy -f framecrc -');
  });
});
