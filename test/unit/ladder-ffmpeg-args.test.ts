import { describe, expect, it } from 'vitest';
import { ladderArgs, ladderFilterGraph } from '../../transcoder/src/ffmpeg/ladder-args.ts';
import { thumbnailSeconds } from '../../transcoder/src/ffmpeg/preview-args.ts';
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
    expect(() => ladderArgs({ source, plan, renditions: [], outputDir: '/o', preset: 'veryfast' })).toThrow(/at least one rendition or the previews/);
  });

  it('writes EVENT playlists FFmpeg renames into place per segment, so segments upload while it encodes', () => {
    const args = ladderArgs({ source, plan, renditions: plan.renditions, outputDir: '/o', preset: 'veryfast' }).join(' ');
    expect(args.match(/-hls_playlist_type event -hls_list_size 0 /g)).toHaveLength(3);
    expect(args.match(/-hls_flags temp_file\+independent_segments/g)).toHaveLength(3);
  });
});

const previews = { durationSeconds: 60, layout: storyboardLayout(60, 1920, 1080), thumbnailHeight: 720, thumbnailPath: '/w/thumbnail.jpg', storyboardPath: '/w/storyboard.jpg' };

describe('the single pass: ladder + previews in one FFmpeg', () => {
  it('decodes once and feeds every rung, the thumbnail and the storyboard from one split (snapshot)', () => {
    const args = ladderArgs({ source, plan, renditions: plan.renditions, outputDir: '/w', preset: 'veryfast', previews });
    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
    expect(args.join(' ')).toMatchSnapshot();
  });

  it('hands the thumbnail scaler one frame and the storyboard scaler one per interval: frames are dropped before scaling', () => {
    expect(thumbnailSeconds(60)).toBe(6);
    expect(thumbnailSeconds(0.4)).toBe(0);
    const graph = ladderFilterGraph(plan, plan.renditions, previews);
    expect(graph).toMatch(/^\[0:v:0\]split=5\[s0\]\[s1\]\[s2\]\[t\]\[b\];/);
    expect(graph).toContain("[t]trim=start=6.000,select='eq(n\\,0)',scale=w=-2:h=720,setsar=1[thumb]");
    expect(graph).toContain('[b]fps=1/1,scale=w=160:h=90,setsar=1,tile=10x6[sprite]');
  });

  it('makes the previews alone when every rung is already stored', () => {
    const args = ladderArgs({ source, plan, renditions: [], outputDir: '/w', preset: 'veryfast', previews });
    expect(args[args.indexOf('-filter_complex') + 1]).toMatch(/^\[0:v:0\]split=2\[t\]\[b\];\[t\]trim/);
    expect(args).not.toContain('libx264');
    expect(args.slice(-2)).toEqual(['1', '/w/storyboard.jpg']);
  });
});
