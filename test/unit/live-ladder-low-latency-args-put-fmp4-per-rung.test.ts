import { describe, expect, it } from 'vitest';
import { LIVE_LADDER } from '../../contracts/live.ts';
import { liveLadderArgs, lowLatencyLadderArgs } from '../../transcoder/src/live/live-ladder-args.ts';

describe('the low-latency live ladder', () => {
  const args = lowLatencyLadderArgs({
    pullUrl: 'rtmp://127.0.0.1:1935/live/live_abc',
    rungs: LIVE_LADDER,
    x264Preset: 'veryfast',
    putUrl: (rung) => `http://origin.test/internal/live/live_abc/b3/${rung.name}/stream.mp4?first=12`,
    authorization: 'Bearer internal-secret-internal',
  });
  const joined = args.join(' ');
  const standard = liveLadderArgs({ pullUrl: 'rtmp://127.0.0.1:1935/live/live_abc', outDir: '/w', rungs: LIVE_LADDER, startNumber: 12, x264Preset: 'veryfast' });

  it('encodes like the standard ladder up to the muxer, at a constant 30 fps (10-frame parts), a key frame every 2 s from the first', () => {
    // The standard ladder's second key frame comes after 1 s (its 1-s first segment); parts make that moot here.
    const upToMuxer = (list: string[]) => list.slice(0, list.indexOf('-f')).map((arg) => arg.replace('[0:v]fps=30,split', '[0:v]split').replace('if(eq(n_forced,1),0.99,1.99)', '1.99'));
    expect(upToMuxer(args)).toEqual(upToMuxer(standard));
    expect(args[args.indexOf('-filter_complex') + 1]).toBe("[0:v]fps=30,split=2[s0][s1];[s0]scale=-2:'min(720,ih)'[v0];[s1]scale=-2:'min(360,ih)'[v1]");
    expect(joined.match(/-sc_threshold 0/g)).toHaveLength(2);
    expect(joined.match(/-force_key_frames expr:if\(isnan\(prev_forced_t\),1,gte\(t-prev_forced_t,1\.99\)\)/g)).toHaveLength(2);
  });

  it('writes each rung as fragmented MP4 in 330 000 µs fragments, PUT to its own origin URL with the bearer header', () => {
    const perRung = '-f mp4 -movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 330000 -method PUT -headers Authorization: Bearer internal-secret-internal\r\n';
    expect(joined).toContain(`${perRung} http://origin.test/internal/live/live_abc/b3/720p/stream.mp4?first=12`);
    expect(joined).toContain(`${perRung} http://origin.test/internal/live/live_abc/b3/360p/stream.mp4?first=12`);
    expect(args.at(-1)).toBe('http://origin.test/internal/live/live_abc/b3/360p/stream.mp4?first=12');
    expect(joined).not.toContain('-f hls');
    // The secret is a header, never part of the URL FFmpeg logs.
    expect(args.filter((arg) => arg.startsWith('http')).every((url) => !url.includes('secret'))).toBe(true);
  });
});
