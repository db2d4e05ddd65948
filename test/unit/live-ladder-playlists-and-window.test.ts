import { describe, expect, it } from 'vitest';
import { LIVE_LADDER } from '../../contracts/live.ts';
import { parseLiveMediaPath } from '../../origin/src/live/live-media-path.ts';
import { slidingWindow } from '../../origin/src/live/sliding-window.ts';
import { liveLadderArgs } from '../../transcoder/src/live/live-ladder-args.ts';
import { liveMasterText, livePlaylistText, nextSegmentNumber, withRun, type LiveSection } from '../../transcoder/src/live/live-sections.ts';

const seconds = (count: number, each = 2) => Array.from({ length: count }, () => each);

describe('live ladder arguments', () => {
  const args = liveLadderArgs({ pullUrl: 'rtmp://127.0.0.1:1935/live/live_abc', outDir: '/w', rungs: LIVE_LADDER, startNumber: 7, x264Preset: 'veryfast' });
  const joined = args.join(' ');

  it('pulls the renamed stream once and scales one copy per rung, never up', () => {
    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
    expect(args[args.indexOf('-i') + 1]).toBe('rtmp://127.0.0.1:1935/live/live_abc');
    // Probes the frame rate on 10 frames, not FFmpeg's 40: the first segment comes ≈ 1 s sooner.
    expect(args.slice(args.indexOf('-fpsprobesize'), args.indexOf('-fpsprobesize') + 2)).toEqual(['-fpsprobesize', '10']);
    expect(args.indexOf('-fpsprobesize')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-filter_complex') + 1]).toBe("[0:v]split=2[s0][s1];[s0]scale=-2:'min(720,ih)'[v0];[s1]scale=-2:'min(360,ih)'[v1]");
  });

  it('forces a key frame every 2 s whatever the timestamps, the second 1 s after the first, and writes fMP4 HLS per rung from the given number', () => {
    expect(joined.match(/-force_key_frames expr:if\(isnan\(prev_forced_t\),1,gte\(t-prev_forced_t,if\(eq\(n_forced,1\),0\.99,1\.99\)\)\)/g)).toHaveLength(2);
    expect(joined.match(/-hls_init_time 1 -hls_time 2 /g)).toHaveLength(2);
    expect(joined.match(/-tune zerolatency/g)).toHaveLength(2);
    expect(joined).toContain('-hls_segment_filename /w/720p/seg_%05d.m4s /w/720p/playlist.m3u8');
    expect(joined).toContain('-hls_segment_filename /w/360p/seg_%05d.m4s /w/360p/playlist.m3u8');
    expect(joined.match(/-start_number 7/g)).toHaveLength(2);
    expect(joined.match(/-hls_fmp4_init_filename init_7\.mp4/g)).toHaveLength(2);
    expect(joined).toContain('-hls_list_size 0');
    expect(joined).not.toContain('append_list');
  });
});

describe('live sections and playlists', () => {
  const first: LiveSection = { mapUri: 'init_1.mp4', first: 1, durations: seconds(3) };

  it('continues numbering behind every stored segment of any rung', () => {
    expect(nextSegmentNumber({})).toBe(1);
    expect(nextSegmentNumber({ '720p': [first], '360p': [first, { mapUri: 'init_4.mp4', first: 4, durations: seconds(2) }] })).toBe(6);
  });

  it('replaces the view of the current run and keeps earlier runs', () => {
    const grown = withRun([first], { mapUri: 'init_4.mp4', segments: [{ uri: 'seg_00004.m4s', seconds: 2.0004 }] }, 4);
    expect(grown).toEqual([first, { mapUri: 'init_4.mp4', first: 4, durations: [2] }]);
    expect(withRun(grown, { mapUri: 'init_4.mp4', segments: [{ uri: 'a', seconds: 2 }, { uri: 'b', seconds: 1.5 }] }, 4).at(-1)!.durations).toEqual([2, 1.5]);
    expect(withRun(grown, { mapUri: 'init_4.mp4', segments: [] }, 4)).toEqual([first]);
  });

  it('writes one discontinuity and the run\'s own init between runs, ENDLIST only at the end', () => {
    const text = livePlaylistText([first, { mapUri: 'init_4.mp4', first: 4, durations: [2, 1.5] }], { targetSeconds: 2, ended: false });
    expect(text.match(/#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init_4.mp4"\n#EXTINF:2.000,\nseg_00004.m4s/g)).toHaveLength(1);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(text).not.toContain('ENDLIST');
    expect(livePlaylistText([first], { targetSeconds: 2, ended: true }).trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('writes a master whose variants are relative to live/{id}/', () => {
    expect(liveMasterText('b3', LIVE_LADDER, 'avc1.64001f,mp4a.40.2')).toContain('#EXT-X-STREAM-INF:BANDWIDTH=1000000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360\nb3/360p/playlist.m3u8');
  });
});

describe('slidingWindow', () => {
  const stored = livePlaylistText(
    [
      { mapUri: 'init_1.mp4', first: 1, durations: seconds(8) },
      { mapUri: 'init_9.mp4', first: 9, durations: seconds(4) },
      { mapUri: 'init_13.mp4', first: 13, durations: seconds(3) },
    ],
    { targetSeconds: 2, ended: false },
  );

  it('lists the newest segments, moving MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE by what it dropped', () => {
    const result = slidingWindow(stored, 5);
    if (!result.ok) throw new Error(result.error);
    expect(result.text).toContain('#EXT-X-MEDIA-SEQUENCE:10');
    expect(result.text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(result.text).not.toContain('PLAYLIST-TYPE');
    expect(result.text.split('\n').filter((line) => line.startsWith('seg_'))).toEqual(['seg_00011.m4s', 'seg_00012.m4s', 'seg_00013.m4s', 'seg_00014.m4s', 'seg_00015.m4s']);
    // The first listed segment keeps its init; the later run its own, behind the one discontinuity left.
    expect(result.text.indexOf('#EXT-X-MAP:URI="init_9.mp4"')).toBeLessThan(result.text.indexOf('seg_00011.m4s'));
    expect(result.text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
  });

  it('leaves a short playlist and an ended broadcast whole, and refuses a malformed one', () => {
    expect(slidingWindow(stored, 100)).toEqual({ ok: true, text: stored, ended: false });
    const ended = livePlaylistText([{ mapUri: 'init_1.mp4', first: 1, durations: seconds(30) }], { targetSeconds: 2, ended: true });
    expect(slidingWindow(ended, 5)).toEqual({ ok: true, text: ended, ended: true });
    expect(slidingWindow('not a playlist')).toMatchObject({ ok: false });
  });
});

describe('live media paths', () => {
  it('names the master, playlists, init segments and segments of a broadcast, nothing else', () => {
    expect(parseLiveMediaPath(['live_a', 'master.m3u8'])).toMatchObject({ ok: true, target: { kind: 'master', key: 'live/live_a/master.m3u8' } });
    expect(parseLiveMediaPath(['live_a', 'b2', '720p', 'playlist.m3u8'])).toMatchObject({ ok: true, target: { kind: 'playlist', key: 'live/live_a/b2/720p/playlist.m3u8' } });
    expect(parseLiveMediaPath(['live_a', 'b2', '720p', 'init_13.mp4'])).toMatchObject({ ok: true, target: { kind: 'init' } });
    expect(parseLiveMediaPath(['live_a', 'b2', '720p', 'seg_00013.m4s'])).toMatchObject({ ok: true, target: { kind: 'segment', contentType: 'video/iso.segment' } });
    for (const bad of [['live_a'], ['..', 'master.m3u8'], ['live_a', 'b0', '720p', 'playlist.m3u8'], ['live_a', 'b1', '..', 'playlist.m3u8'], ['live_a', 'b1', '720p', 'x.m4s'], ['live_a', 'other.m3u8']]) {
      expect(parseLiveMediaPath(bad).ok).toBe(false);
    }
  });
});
