import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSourceScan, sourceScanArgs, type SourceScan } from '../../transcoder/src/probe/source-scan.ts';
import { copyCodecs, standardInputVerdict } from '../../transcoder/src/probe/standard-input.ts';

/** Real output of `sourceScanArgs` (FFmpeg 5.1) on generated clips. */
const sample = (name: string) => readFileSync(new URL(`../../transcoder/test-fixtures/ffprobe/${name}.json`, import.meta.url), 'utf8');

/** A 60 s 1080p H.264 High 4.0 + AAC-LC MP4 with a key frame every 2 s: the standard case. */
const standard: SourceScan = {
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds: 60,
  video: { codec: 'h264', profile: 'High', level: 40, pixelFormat: 'yuv420p', bitDepth: 8, fieldOrder: 'progressive', width: 1920, height: 1080, frameRate: 30 },
  audio: { codec: 'aac', profile: 'LC', channels: 2 },
  window: {
    videoPackets: 900, keyframeTimes: Array.from({ length: 15 }, (_, i) => i * 2), firstVideoTime: 0, lastVideoTime: 29.967,
    startsOnKeyframe: true, backwardsTimestamps: 0, missingTimestamps: 0, pictures: ['1920x1080 yuv420p'],
  },
};
const withVideo = (video: Partial<NonNullable<SourceScan['video']>>): SourceScan => ({ ...standard, video: { ...standard.video!, ...video } });
const withWindow = (window: Partial<SourceScan['window']>): SourceScan => ({ ...standard, window: { ...standard.window, ...window } });

describe('standardInputVerdict', () => {
  it.each<[string, SourceScan, string]>([
    ['H.264 High 4.0 + AAC-LC, 1080p, key frames every 2 s', standard, 'avc1.640028,mp4a.40.2'],
    ['no audio', { ...standard, audio: null }, 'avc1.640028'],
    ['Constrained Baseline 3.1 portrait 1080x1920', withVideo({ profile: 'Constrained Baseline', level: 31, width: 1080, height: 1920 }), 'avc1.42c01f,mp4a.40.2'],
    ['Main 4.2 at 60 fps, full-range yuvj420p', withVideo({ profile: 'Main', level: 42, frameRate: 60, pixelFormat: 'yuvj420p' }), 'avc1.4d402a,mp4a.40.2'],
    ['HE-AAC in Matroska', { ...standard, container: 'matroska,webm', audio: { codec: 'aac', profile: 'HE-AAC', channels: 2 } }, 'avc1.640028,mp4a.40.5'],
    ['a key frame exactly 10 s after the last', withWindow({ keyframeTimes: [0, 10, 20], lastVideoTime: 29.9 }), 'avc1.640028,mp4a.40.2'],
    ['an 8 s clip with a single key frame', { ...withWindow({ keyframeTimes: [0], lastVideoTime: 7.97 }), durationSeconds: 8 }, 'avc1.640028,mp4a.40.2'],
  ])('standard: %s', (_, scan, codecs) => {
    expect(standardInputVerdict(scan)).toEqual({ standard: true, codecs });
  });

  it.each<[string, SourceScan, RegExp]>([
    ['HEVC', withVideo({ codec: 'hevc', profile: 'Main' }), /^video codec hevc is not H\.264$/],
    ['10-bit High 10', withVideo({ profile: 'High 10', pixelFormat: 'yuv420p10le', bitDepth: 10 }), /profile High 10 .*; pixel format yuv420p10le is not 8-bit 4:2:0/],
    ['4:2:2', withVideo({ profile: 'High 4:2:2', pixelFormat: 'yuv422p' }), /pixel format yuv422p is not 8-bit 4:2:0/],
    ['level 5.1', withVideo({ level: 51 }), /level 5\.1 is above 4\.2/],
    ['4K', withVideo({ width: 3840, height: 2160 }), /picture 3840x2160 is larger than 1080p/],
    ['interlaced', withVideo({ fieldOrder: 'tt' }), /interlaced \(field order tt\)/],
    ['120 fps', withVideo({ frameRate: 120 }), /frame rate 120/],
    ['MP3 audio', { ...standard, audio: { codec: 'mp3', profile: null, channels: 2 } }, /audio codec mp3 is not AAC/],
    ['MPEG-TS', { ...standard, container: 'mpegts' }, /container mpegts is not MP4, MOV or Matroska/],
    ['a 20 s key-frame interval', withWindow({ keyframeTimes: [0, 20], lastVideoTime: 29.97 }), /key frames 20\.0 s apart/],
    ['no key frame after the first in 30 s', withWindow({ keyframeTimes: [0], lastVideoTime: 29.97 }), /key frames 30\.0 s apart/],
    ['an open start (first packet not a key frame)', withWindow({ startsOnKeyframe: false }), /does not start on a key frame/],
    ['timestamps that go backwards', withWindow({ backwardsTimestamps: 3 }), /video timestamps go backwards 3 times/],
    ['packets without timestamps', withWindow({ missingTimestamps: 12 }), /12 video packets without timestamps/],
    ['a mid-stream size change', withWindow({ pictures: ['640x360 yuv420p', '320x240 yuv420p'] }), /picture changes mid-stream \(640x360 yuv420p → 320x240 yuv420p\)/],
    ['no video packets read', withWindow({ videoPackets: 0, firstVideoTime: null, lastVideoTime: null }), /read no video packets/],
  ])('not standard: %s', (_, scan, reason) => {
    const verdict = standardInputVerdict(scan);
    expect(verdict.standard).toBe(false);
    if (!verdict.standard) expect(verdict.reasons.join('; ')).toMatch(reason);
  });

  it('gives every reason at once, not the first one found', () => {
    const verdict = standardInputVerdict({ ...withVideo({ level: 51, width: 3840, height: 2160 }), audio: { codec: 'opus', profile: null, channels: 2 } });
    expect(verdict).toEqual({ standard: false, reasons: ['H.264 level 5.1 is above 4.2', 'picture 3840x2160 is larger than 1080p', 'audio codec opus is not AAC'] });
  });
});

describe('copyCodecs', () => {
  it('spells avc1 profile/constraints/level in hex and AAC by object type', () => {
    expect(copyCodecs('High', 42, 'LC')).toBe('avc1.64002a,mp4a.40.2');
    expect(copyCodecs('Main', 30, undefined)).toBe('avc1.4d401e');
    expect(copyCodecs('High 10', 40, 'LC')).toBeNull();
    expect(copyCodecs('High', 40, 'Main')).toBeNull();
  });
});

describe('parseSourceScan on real ffprobe output', () => {
  it('reads a 3 s H.264 + AAC clip: key frames every second, one picture, forward timestamps → standard', () => {
    const parsed = parseSourceScan(sample('scan-h264-aac-3s'), 3);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.scan).toMatchObject({
      video: { codec: 'h264', profile: 'Constrained Baseline', level: 13, pixelFormat: 'yuv420p', bitDepth: 8, width: 320, height: 240, frameRate: 25 },
      audio: { codec: 'aac', profile: 'LC', channels: 1 },
      window: { videoPackets: 75, keyframeTimes: [0, 1, 2], startsOnKeyframe: true, backwardsTimestamps: 0, missingTimestamps: 0, pictures: ['320x240 yuv420p'] },
    });
    expect(standardInputVerdict(parsed.scan)).toEqual({ standard: true, codecs: 'avc1.42c00d,mp4a.40.2' });
  });

  it('sees a picture-size change inside the scanned window (in-band SPS the stream header does not show)', () => {
    const parsed = parseSourceScan(sample('scan-h264-size-change'), 6);
    expect(parsed.ok && parsed.scan.video).toMatchObject({ width: 640, height: 360 });
    if (!parsed.ok) return;
    expect(parsed.scan.window.pictures).toEqual(['640x360 yuv420p', '320x240 yuv420p']);
    expect(standardInputVerdict(parsed.scan)).toMatchObject({ standard: false, reasons: [expect.stringMatching(/picture changes mid-stream/)] });
  });

  it('refuses output that is not JSON', () => {
    expect(parseSourceScan('nope', 1)).toEqual({ ok: false, reason: 'ffprobe did not print JSON' });
  });

  it('asks ffprobe for packets and key frames of the first 30 s, inside the protocol whitelist', () => {
    const args = sourceScanArgs({ input: 'https://h/a.mp4', protocols: ['http', 'https', 'tcp', 'tls'], remote: true });
    expect(args.join(' ')).toContain('-skip_frame nokey -read_intervals %+30 -protocol_whitelist http,https,tcp,tls -rw_timeout 15000000 -i https://h/a.mp4');
  });
});
