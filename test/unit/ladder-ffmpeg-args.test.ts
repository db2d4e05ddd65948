import { describe, expect, it } from 'vitest';
import { ladderArgs, ladderFilterGraph } from '../../transcoder/src/ffmpeg/ladder-args.ts';
import { previewArgs, thumbnailSeconds } from '../../transcoder/src/ffmpeg/preview-args.ts';
import { planLadder } from '../../transcoder/src/ladder/plan-ladder.ts';
import { storyboardLayout } from '../../transcoder/src/media/storyboard.ts';

const source = { input: 'http://127.0.0.1:9000/vora-raw/up/1?X-Amz-Signature=s', protocols: ['http', 'https', 'tcp', 'tls'], remote: true };
const plan = planLadder({ width: 1920, height: 1080, frameRate: 30, hasAudio: true });

describe('ladderArgs', () => {
  it('decodes once and encodes every rung with aligned, closed 4 s GOPs (snapshot)', () => {
    const args = ladderArgs({ source, plan, renditions: plan.renditions.slice(1), outputDir: '/work/v1', preset: 'veryfast' });
    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
    expect(args.join(' ')).toMatchSnapshot();
  });

  it('gives every output the same keyframe cadence', () => {
    const args = ladderArgs({ source, plan, renditions: plan.renditions, outputDir: '/o', preset: 'veryfast' }).join(' ');
    expect(args.match(/-g 120 -keyint_min 120 -sc_threshold 0 -flags \+cgop -force_key_frames expr:gte\(t,n_forced\*4\)/g)).toHaveLength(3);
    expect(args).toContain('-hls_segment_filename /o/360p/seg_%05d.m4s -start_number 1');
    expect(args).toContain('-hls_fmp4_init_filename init.mp4');
  });

  it('maps no audio for a silent source, and resamples an unusable rate before the split', () => {
    const silent = planLadder({ width: 1280, height: 720, frameRate: 0, hasAudio: false });
    const args = ladderArgs({ source: { input: 'file:/a.mp4', protocols: ['file'], remote: false }, plan: silent, renditions: silent.renditions, outputDir: '/o', preset: 'fast' });
    expect(args).not.toContain('0:a:0');
    expect(args.filter((arg) => arg === '-an')).toHaveLength(2);
    expect(args).not.toContain('-rw_timeout');
    expect(ladderFilterGraph(silent, silent.renditions)).toMatch(/^\[0:v:0\]fps=30,split=2\[s0\]\[s1\];/);
  });

  it('refuses an empty pass', () => {
    expect(() => ladderArgs({ source, plan, renditions: [], outputDir: '/o', preset: 'veryfast' })).toThrow(/at least one rendition/);
  });
});

describe('previewArgs', () => {
  it('takes the thumbnail at 10 % and tiles the storyboard in the same run (snapshot)', () => {
    const layout = storyboardLayout(60, 1920, 1080);
    expect(thumbnailSeconds(60)).toBe(6);
    expect(thumbnailSeconds(0.4)).toBe(0);
    const args = previewArgs({ source, durationSeconds: 60, layout, thumbnailHeight: 720, thumbnailPath: '/w/thumbnail.jpg', storyboardPath: '/w/storyboard.jpg' });
    expect(args.join(' ')).toMatchSnapshot();
  });
});
