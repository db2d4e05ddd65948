import { parse } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { mediaStartSeconds } from '../../origin/src/captions/media-start.ts';
import {
  segmentSpansMs, subtitlePlaylistText, subtitleSegmentName, subtitleSegmentNumber, subtitleSegmentText, timelineOfMediaPlaylist, timestampMapLine, type SegmentTimeline,
} from '../../origin/src/captions/subtitle-segments.ts';
import { parseWebVtt, type CaptionTrackText } from '../../origin/src/captions/webvtt.ts';
import { mediaPlaylistText } from '../../transcoder/src/media/media-playlist.ts';
import { syntheticStream } from './support/synthetic-stream.ts';

const track = (text: string): CaptionTrackText => {
  const parsed = parseWebVtt(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.track;
};

// What the transcoder stores for a 10 s single-pass rung: 4 s segments, the last one short.
const renditionPlaylist = mediaPlaylistText({ type: 'VOD', mapUri: 'init.mp4', ended: true, segments: [4, 4, 2.016].map((seconds, i) => ({ uri: `seg_0000${i + 1}.m4s`, seconds })) });

const timelineOf = (text: string, mediaStartSeconds = 0): SegmentTimeline => {
  const result = timelineOfMediaPlaylist(text);
  if (!result.ok) throw new Error(result.error);
  return { ...result.timeline, mediaStartSeconds };
};

describe('the subtitle playlist', () => {
  it('has one WebVTT segment per video segment, with the same durations, target, sequence, type and end', () => {
    const text = subtitlePlaylistText(timelineOf(renditionPlaylist));
    const parsed = parse(text) as MediaPlaylist;
    expect(parsed.isMasterPlaylist).toBe(false);
    expect(parsed.segments.map((segment) => [segment.uri, segment.duration])).toEqual([['seg_00001.vtt', 4], ['seg_00002.vtt', 4], ['seg_00003.vtt', 2.016]]);
    expect([parsed.targetDuration, parsed.mediaSequenceBase, parsed.playlistType, parsed.endlist]).toEqual([4, 1, 'VOD', true]);
    expect(text).not.toContain('EXT-X-MAP');
  });

  it('follows a growing EVENT rung: no ENDLIST until the rung has one', () => {
    const growing = mediaPlaylistText({ type: 'EVENT', mapUri: 'init.mp4', ended: false, targetSeconds: 4, segments: [{ uri: 'seg_00001.m4s', seconds: 4 }] });
    const parsed = parse(subtitlePlaylistText(timelineOf(growing))) as MediaPlaylist;
    expect([parsed.playlistType, parsed.endlist, parsed.segments.length]).toEqual(['EVENT', false, 1]);
  });

  it('refuses a playlist that is not a media playlist', () => {
    expect(timelineOfMediaPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/playlist.m3u8\n')).toMatchObject({ ok: false });
    expect(timelineOfMediaPlaylist('not a playlist')).toMatchObject({ ok: false });
  });

  it('names segments like the video does, and reads the names back', () => {
    expect(subtitleSegmentName(7)).toBe('seg_00007.vtt');
    expect(subtitleSegmentNumber('seg_00007.vtt')).toBe(7);
    expect(subtitleSegmentNumber('seg_7.vtt')).toBeNull();
    expect(subtitleSegmentNumber('seg_00007.m4s')).toBeNull();
  });
});

describe('the subtitle segments', () => {
  const cues = track([
    'WEBVTT', '',
    '00:00:00.500 --> 00:00:01.500', 'in the first', '',
    '00:00:03.000 --> 00:00:05.000', 'across the first boundary', '',
    '00:00:04.000 --> 00:00:08.000', 'exactly the second', '',
    '00:00:09.000 --> 00:00:12.000', 'runs past the end', '',
    '00:00:20.000 --> 00:00:21.000', 'after the video', '',
  ].join('\n'));
  const timeline = timelineOf(renditionPlaylist);
  const cueTexts = (number: number) => [...(subtitleSegmentText(cues, timeline, number) ?? '').matchAll(/^(\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3})\n(.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);

  it('spans each segment over the sum of the EXTINFs before it', () => {
    expect(segmentSpansMs([4, 4, 2.016])).toEqual([{ startMs: 0, endMs: 4000 }, { startMs: 4000, endMs: 8000 }, { startMs: 8000, endMs: 10016 }]);
  });

  it('puts each cue in every segment it shows during, at its own time on the video timeline', () => {
    expect(cueTexts(1)).toEqual(['00:00:00.500 --> 00:00:01.500 in the first', '00:00:03.000 --> 00:00:05.000 across the first boundary']);
    expect(cueTexts(2)).toEqual(['00:00:03.000 --> 00:00:05.000 across the first boundary', '00:00:04.000 --> 00:00:08.000 exactly the second']);
    expect(cueTexts(3)).toEqual(['00:00:09.000 --> 00:00:12.000 runs past the end']);
  });

  it('starts every segment with WEBVTT and the X-TIMESTAMP-MAP of the media timeline, and each parses alone', () => {
    for (const number of [1, 2, 3]) {
      const text = subtitleSegmentText(cues, timeline, number)!;
      expect(text.split('\n').slice(0, 3)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000', '']);
      expect(parseWebVtt(text).ok).toBe(true);
    }
    // A chunked ladder's media timeline starts at 1 s (transcoder chunk-args.ts): cue time 0 is MPEGTS 90000.
    expect(subtitleSegmentText(cues, timelineOf(renditionPlaylist, 1), 1)!).toContain('X-TIMESTAMP-MAP=MPEGTS:90000,LOCAL:00:00:00.000\n');
    expect(timestampMapLine(0.066016)).toBe('X-TIMESTAMP-MAP=MPEGTS:5941,LOCAL:00:00:00.000');
  });

  it('writes an empty segment (header only) where no cue shows, and nothing for a number the video does not have', () => {
    const quiet = track('WEBVTT\n\n00:00:20.000 --> 00:00:21.000\nlate\n');
    expect(subtitleSegmentText(quiet, timeline, 2)).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n');
    expect(subtitleSegmentText(cues, timeline, 0)).toBeNull();
    expect(subtitleSegmentText(cues, timeline, 4)).toBeNull();
  });
});

describe('the media start of a rendition', () => {
  it('is the first fragment decode time, in seconds, of its earliest track', () => {
    const atZero = syntheticStream({ frames: 30 });
    expect(mediaStartSeconds(atZero.init, atZero.fragments[0]!)).toEqual({ ok: true, seconds: 0 });
    const atOneSecond = syntheticStream({ frames: 30, startFrame: 30 });
    expect(mediaStartSeconds(atOneSecond.init, atOneSecond.fragments[0]!)).toEqual({ ok: true, seconds: 1 });
  });

  it('says what is wrong with bytes that are not fMP4', () => {
    const stream = syntheticStream({ frames: 30 });
    expect(mediaStartSeconds(new Uint8Array(16), stream.fragments[0]!)).toMatchObject({ ok: false, error: expect.stringContaining('no moov') });
    expect(mediaStartSeconds(stream.init, stream.init)).toMatchObject({ ok: false, error: expect.stringContaining('no moof') });
  });
});

describe('a caption track\'s media paths', () => {
  it('are the playlist and numbered WebVTT segments of a cap_ folder, both cut from its track.vtt', async () => {
    const { parseMediaPath } = await import('../../origin/src/gateway/media-path.ts');
    expect(parseMediaPath(['vid_1', 'cap_abc', 'playlist.m3u8'])).toEqual({ ok: true, target: { videoId: 'vid_1', kind: 'subtitle-playlist', key: 'vid_1/cap_abc/track.vtt', contentType: 'application/vnd.apple.mpegurl' } });
    expect(parseMediaPath(['vid_1', 'cap_abc', 'seg_00012.vtt'])).toEqual({ ok: true, target: { videoId: 'vid_1', kind: 'subtitle-segment', key: 'vid_1/cap_abc/track.vtt', contentType: 'text/vtt; charset=utf-8', segmentNumber: 12 } });
    for (const file of ['track.vtt', 'seg_00001.m4s', 'init.mp4', '../playlist.m3u8']) expect(parseMediaPath(['vid_1', 'cap_abc', file]).ok, file).toBe(false);
    // A rendition folder still serves only rendition files.
    expect(parseMediaPath(['vid_1', '360p', 'seg_00001.vtt']).ok).toBe(false);
  });
});
