import { describe, expect, it } from 'vitest';
import { h264Level, hlsCodecs } from '../../transcoder/src/ladder/h264-level.ts';
import { planLadder } from '../../transcoder/src/ladder/plan-ladder.ts';

const sizes = (plan: ReturnType<typeof planLadder>) => plan.renditions.map((r) => `${r.name}:${r.width}x${r.height}`);

describe('planLadder', () => {
  it('gives a 1080p source all three rungs, lowest first, with a 4 s GOP', () => {
    const plan = planLadder({ width: 1920, height: 1080, frameRate: 30, hasAudio: true });
    expect(sizes(plan)).toEqual(['360p:640x360', '720p:1280x720', '1080p:1920x1080']);
    expect(plan).toMatchObject({ frameRate: 30, gopFrames: 120, segmentSeconds: 4, resampleTo: null });
    expect(plan.renditions.map((r) => r.codecs)).toEqual(['avc1.64001e,mp4a.40.2', 'avc1.64001f,mp4a.40.2', 'avc1.640028,mp4a.40.2']);
    expect(plan.renditions.map((r) => r.audioBitrate)).toEqual([96_000, 128_000, 128_000]);
  });

  it('never upscales: a 720p source gets 720p and 360p only', () => {
    expect(sizes(planLadder({ width: 1280, height: 720, frameRate: 25, hasAudio: true }))).toEqual(['360p:640x360', '720p:1280x720']);
  });

  it('keeps the aspect ratio with even dimensions, portrait included', () => {
    expect(sizes(planLadder({ width: 1440, height: 1080, frameRate: 24, hasAudio: false }))).toEqual(['360p:480x360', '720p:960x720', '1080p:1440x1080']);
    expect(sizes(planLadder({ width: 1080, height: 1920, frameRate: 30, hasAudio: false }))).toEqual(['360p:360x640', '720p:720x1280', '1080p:1080x1920']);
    // 2.39:1 cinema: 360 × 2.39 = 860.4 → 860
    for (const r of planLadder({ width: 1916, height: 802, frameRate: 24, hasAudio: false }).renditions) {
      expect(r.width % 2).toBe(0);
      expect(r.height % 2).toBe(0);
    }
  });

  it('gives a source below 360p one rung at its own size, with fewer bits', () => {
    const plan = planLadder({ width: 321, height: 241, frameRate: 25, hasAudio: true });
    expect(sizes(plan)).toEqual(['360p:322x242']);
    expect(plan.renditions[0]!.videoBitrate).toBeLessThan(800_000);
  });

  it('drops audio when the source is silent', () => {
    const plan = planLadder({ width: 1280, height: 720, frameRate: 30, hasAudio: false });
    expect(plan.renditions.every((r) => r.audioBitrate === null && !r.codecs.includes('mp4a'))).toBe(true);
  });

  it('adds bits and a higher level at 60 fps, and resamples unusable rates to 30', () => {
    const plan60 = planLadder({ width: 1920, height: 1080, frameRate: 60, hasAudio: true });
    expect(plan60.gopFrames).toBe(240);
    expect(plan60.renditions.at(-1)).toMatchObject({ videoBitrate: 7_500_000, level: '4.2' });
    expect(planLadder({ width: 1280, height: 720, frameRate: 0, hasAudio: true })).toMatchObject({ frameRate: 30, resampleTo: 30, gopFrames: 120 });
    expect(planLadder({ width: 1280, height: 720, frameRate: 29.97, hasAudio: true }).gopFrames).toBe(120);
  });
});

describe('h264Level / hlsCodecs', () => {
  it('picks the lowest level that fits', () => {
    expect(h264Level(640, 360, 30, 1_200_000).name).toBe('3.0');
    expect(h264Level(1280, 720, 30, 4_200_000).name).toBe('3.1');
    expect(h264Level(1280, 720, 60, 6_300_000).name).toBe('3.2');
    expect(h264Level(1920, 1080, 30, 7_500_000).name).toBe('4.0');
  });
  it('writes RFC 6381 codecs', () => {
    expect(hlsCodecs(31, true)).toBe('avc1.64001f,mp4a.40.2');
    expect(hlsCodecs(40, false)).toBe('avc1.640028');
  });
});
