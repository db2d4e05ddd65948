import { describe, expect, it } from 'vitest';
import { VIDEO_STATES, VideoView } from '../../contracts/videos.ts';
import { uploadUrl, videoView } from '../../origin/src/api/video-view.ts';
import type { Video } from '../../origin/src/db/videos.ts';

const video = (patch: Partial<Video> = {}): Video => ({
  id: 'vid_a', title: 't', description: '', channelId: null, chatRoom: 'channel', visibility: 'unlisted', state: 'PROCESSING', failureReason: null, durationSeconds: null,
  source: { bucket: 'vora-raw', key: 'vid_a.00', uploadId: 'vid_a.00', size: 42, width: 1920 },
  progress: 0.5, maxDurationSeconds: null, thumbnailKey: null,
  createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: new Date('2026-01-01T00:01:00Z'), ...patch,
});

describe('videoView', () => {
  it('shows source facts but not where the raw bytes sit', () => {
    expect(videoView(video(), 'http://o').source).toEqual({ size: 42, width: 1920 });
  });

  it('offers playback only once the video is PLAYABLE or READY, and the thumbnail until it is DELETED', () => {
    expect(videoView(video(), 'http://o').playback).toBeNull();
    for (const state of ['PLAYABLE', 'READY'] as const) expect(videoView(video({ state }), 'http://o').playback).toEqual({ tokenUrl: 'http://o/v1/videos/vid_a/token' });
    expect(videoView(video({ state: 'READY', thumbnailKey: 'vid_a/thumbnail.jpg' }), 'http://o').thumbnailUrl).toBe('http://o/media/vid_a/thumbnail.jpg');
    expect(videoView(video({ state: 'DELETED', thumbnailKey: 'vid_a/thumbnail.jpg' }), 'http://o').thumbnailUrl).toBeNull();
  });

  it('lists renditions only when given (single-video reads), with ISO timestamps', () => {
    expect(videoView(video(), 'http://o')).not.toHaveProperty('renditions');
    const rendition = { videoId: 'vid_a', name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.4d401e,mp4a.40.2', frameRate: 25, playlistKey: 'vid_a/360p/playlist.m3u8', publishedAt: new Date('2026-01-01T00:02:00Z') };
    const view = videoView(video(), 'http://o', [rendition]);
    expect(view.renditions).toEqual([{ name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.4d401e,mp4a.40.2', frameRate: 25, publishedAt: '2026-01-01T00:02:00.000Z' }]);
    expect(view.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('is the VideoView of contracts/videos.ts, the shape the CLI reads, in every state', () => {
    const rendition = { videoId: 'vid_a', name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: null, codecs: 'avc1.4d401e', frameRate: null, playlistKey: 'vid_a/360p/playlist.m3u8', publishedAt: new Date('2026-01-01T00:02:00Z') };
    for (const state of VIDEO_STATES) {
      expect(VideoView.safeParse(videoView(video({ state, thumbnailKey: 'vid_a/thumbnail.jpg' }), 'http://o', [rendition])).error).toBeUndefined();
    }
    expect(VideoView.safeParse({ ...videoView(video(), 'http://o'), state: 'DONE' }).success).toBe(false);
  });

  it('puts the grant in the upload URL query, encoded', () => {
    expect(uploadUrl('http://127.0.0.1:8080', 'upl_a+b/c')).toBe('http://127.0.0.1:8080/v1/uploads?grant=upl_a%2Bb%2Fc');
  });
});
