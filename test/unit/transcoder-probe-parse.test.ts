import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFfprobeOutput, parseFrameRate } from '../../transcoder/src/probe/parse-ffprobe-output.ts';

/** Real `ffprobe -print_format json -show_format -show_streams` output (FFmpeg 5.1), captured from generated clips. */
const sample = (name: string) =>
  readFileSync(new URL(`../../transcoder/test-fixtures/ffprobe/${name}.json`, import.meta.url), 'utf8');

describe('parseFfprobeOutput', () => {
  it('describes an H.264 + AAC clip', () => {
    expect(parseFfprobeOutput(sample('h264-aac-2s'))).toEqual({
      ok: true,
      probe: { durationSeconds: 2, width: 320, height: 240, hasAudio: true, videoCodec: 'h264', frameRate: 25 },
    });
  });

  it('reads an NTSC rate as a fraction and sees that a WebM has no audio', () => {
    const result = parseFfprobeOutput(sample('vp9-ntsc-silent'));
    expect(result).toEqual({
      ok: true,
      probe: { durationSeconds: 1.001, width: 640, height: 360, hasAudio: false, videoCodec: 'vp9', frameRate: 29.97 },
    });
  });

  it.each([
    ['png-still', /still image \(png_pipe\)/],
    ['jpeg-still', /still image \(image2\)/],
    ['mp3-audio-only', /no video stream .*audio\/mp3/],
    ['mp3-cover-art', /no video stream/],
  ])('rejects %s with a reason', (name, reason) => {
    const result = parseFfprobeOutput(sample(name));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rejects text that FFmpeg read as ANSI art', () => {
    const tty = { streams: [{ codec_type: 'video', codec_name: 'ansi', width: 640, height: 400 }], format: { format_name: 'tty', duration: '0.04' } };
    expect(parseFfprobeOutput(JSON.stringify(tty))).toEqual({ ok: false, reason: 'it is text (tty), not a video' });
  });

  it('rejects a video stream without a duration or a picture size', () => {
    const noDuration = { streams: [{ codec_type: 'video', codec_name: 'h264', width: 320, height: 240 }], format: { format_name: 'h264' } };
    expect(parseFfprobeOutput(JSON.stringify(noDuration))).toMatchObject({ ok: false, reason: expect.stringMatching(/no duration/) });
    const noSize = { streams: [{ codec_type: 'video', codec_name: 'h264' }], format: { format_name: 'h264', duration: '2' } };
    expect(parseFfprobeOutput(JSON.stringify(noSize))).toMatchObject({ ok: false, reason: expect.stringMatching(/no picture size/) });
  });

  it('falls back to the stream duration and the declared frame rate', () => {
    const mkv = {
      streams: [{ codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, duration: '3.5', avg_frame_rate: '0/0', r_frame_rate: '24/1' }],
      format: { format_name: 'matroska,webm' },
    };
    expect(parseFfprobeOutput(JSON.stringify(mkv))).toMatchObject({ ok: true, probe: { durationSeconds: 3.5, frameRate: 24, videoCodec: 'hevc' } });
  });

  it('reports output that is not ffprobe JSON', () => {
    expect(parseFfprobeOutput('not json')).toEqual({ ok: false, reason: 'ffprobe did not print JSON' });
    expect(parseFfprobeOutput('{"streams": "nope"}').ok).toBe(false);
  });
});

describe('parseFrameRate', () => {
  it.each([
    ['25/1', 25],
    ['30000/1001', 30000 / 1001],
    ['0/0', 0],
    ['24', 24],
    ['x/y', 0],
    [undefined, 0],
  ])('%s → %d', (ratio, expected) => {
    expect(parseFrameRate(ratio)).toBeCloseTo(expected, 6);
  });
});
