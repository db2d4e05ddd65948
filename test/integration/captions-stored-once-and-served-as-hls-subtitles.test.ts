/**
 * Caption tracks against real MinIO, a real DB and real FFmpeg renditions: uploaded through the API, stored once,
 * listed in the gateway's master, cut into WebVTT segments along the video's own segments with the X-TIMESTAMP-MAP
 * of its fMP4 timeline, and read back by ffprobe/FFmpeg's HLS demuxer as a subtitle stream with the right cues.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptionTrackCreated, CaptionTrackList } from '../../contracts/captions.ts';
import { captionRoutes } from '../../origin/src/captions/routes.ts';
import { storeCaptionTrack } from '../../origin/src/captions/track-store.ts';
import { recordRendition } from '../../origin/src/db/renditions.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import type { VideoState } from '../../origin/src/videos/states.ts';
import { run } from '../../stack/exec.ts';
import { mediaPlaylistText } from '../../transcoder/src/media/media-playlist.ts';
import { makeClip } from '../support/media.ts';
import { testPorts } from '../support/ports.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';

let stack: GatewayStack;
let work: string;
let api: Hono;
const log = pino({ level: 'silent' });

const SRT = [
  '1', '00:00:00,500 --> 00:00:01,500', 'Bonjour <font color="red">à tous</font>', '',
  '2', '00:00:02,500 --> 00:00:04,500', 'Une phrase & une autre', '',
  '3', '00:00:05,000 --> 00:00:05,800', 'Fin', '',
].join('\r\n');

async function videoIn(id: string, state: VideoState): Promise<void> {
  await createVideo(stack.sql, { id, title: id });
  const path: VideoState[] = ['CREATED', 'UPLOADING', 'PROCESSING', 'PLAYABLE', 'READY'];
  for (let i = 1; i <= path.indexOf(state); i += 1) {
    const moved = await transitionVideo(stack.sql, id, [path[i - 1]!], path[i]!);
    if (!moved.ok) throw new Error(`could not move ${id} to ${path[i]}`);
  }
}

/**
 * A 360p fMP4 rung as the ladder writes it (2 s closed GOPs, FFmpeg's HLS muxer), stored with the playlist the
 * transcoder publishes. `offsetSeconds` 1 places it as a chunked ladder does (transcoder/src/chunks/chunk-args.ts).
 */
async function publishRung(videoId: string, clip: string, offsetSeconds: number): Promise<void> {
  const dir = join(work, videoId);
  await run('mkdir', ['-p', dir]);
  await run('ffmpeg', [
    '-hide_banner', '-v', 'error', '-y', '-i', clip,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-force_key_frames', 'expr:gte(t,n_forced*2)',
    '-c:a', 'aac', '-ar', '48000',
    ...(offsetSeconds ? ['-output_ts_offset', String(offsetSeconds), '-hls_segment_options', 'movflags=+frag_discont'] : []),
    '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(dir, 'seg_%05d.m4s'), '-start_number', '1', join(dir, 'ffmpeg.m3u8'),
  ], { timeoutMs: 120_000 });
  const ffmpegPlaylist = await readFile(join(dir, 'ffmpeg.m3u8'), 'utf8');
  const segments = [...ffmpegPlaylist.matchAll(/#EXTINF:([\d.]+),\n(seg_\d+\.m4s)/g)].map((m) => ({ uri: m[2]!, seconds: Number(m[1]) }));
  for (const file of await readdir(dir)) if (file.endsWith('.mp4') || file.endsWith('.m4s')) await stack.put(`${videoId}/360p/${file}`, await readFile(join(dir, file)));
  await stack.put(`${videoId}/360p/playlist.m3u8`, mediaPlaylistText({ type: 'VOD', mapUri: 'init.mp4', ended: true, segments }), 'application/vnd.apple.mpegurl');
  await recordRendition(stack.sql, {
    videoId, name: '360p', width: 640, height: 360, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001e,mp4a.40.2', frameRate: 25, playlistKey: `${videoId}/360p/playlist.m3u8`,
  });
}

const addTrack = (videoId: string, body: string, query: string, contentType = 'application/x-subrip') =>
  api.request(`/v1/videos/${videoId}/captions?${query}`, { method: 'POST', body, headers: { 'content-type': contentType } });
const media = (path: string) => stack.pull(`${stack.gatewayUrl}/media/${path}`);
const operatorHeader = () => `Authorization: Bearer ${stack.operatorToken}\r\n`;

beforeAll(async () => {
  stack = await startGatewayStack(await testPorts(import.meta.url));
  work = await mkdtemp(join(tmpdir(), 'vora-captions-'));
  api = new Hono().route('/v1/videos', captionRoutes({ sql: stack.sql, s3: stack.s3, mediaBucket: 'vora-media', log }));
  const clip = join(work, 'clip.mp4');
  await makeClip(clip, { seconds: 6, size: '640x360', rate: 25, preset: 'ultrafast' });
  await videoIn('vid_cc', 'READY');
  await publishRung('vid_cc', clip, 0);
  await videoIn('vid_chunked', 'READY');
  await publishRung('vid_chunked', clip, 1);
}, 300_000);

afterAll(async () => {
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('caption tracks', () => {
  let french: CaptionTrackCreated;

  it('stores an uploaded SRT once, as WebVTT beside the renditions, and lists it', async () => {
    const response = await addTrack('vid_cc', SRT, 'language=fr&label=Fran%C3%A7ais');
    expect(response.status).toBe(201);
    french = CaptionTrackCreated.parse(await response.json());
    expect(french).toMatchObject({ videoId: 'vid_cc', language: 'fr', label: 'Français', kind: 'subtitles', generated: false, cueCount: 3, replaced: [] });
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: `vid_cc/${french.id}/track.vtt` }));
    expect(head.ContentLength).toBe(french.bytes);
    const list = CaptionTrackList.parse(await (await api.request('/v1/videos/vid_cc/captions')).json());
    expect(list.tracks.map((track) => track.id)).toEqual([french.id]);
  });

  it('refuses a malformed file with 400 naming the line, and a bad language, storing nothing', async () => {
    const bad = await addTrack('vid_cc', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03.000 --> 00:00:0x.000\nbroken\n', 'language=en', 'text/vtt');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string }; line: number };
    expect(body.error.message).toContain('malformed at line 6');
    expect(body.line).toBe(6);
    const language = await addTrack('vid_cc', SRT, 'language=english');
    expect(language.status).toBe(400);
    expect(((await language.json()) as { error: { message: string } }).error.message).toContain('BCP-47');
    expect((await addTrack('vid_nope', SRT, 'language=fr')).status).toBe(404);
    expect(CaptionTrackList.parse(await (await api.request('/v1/videos/vid_cc/captions')).json()).tracks).toHaveLength(1);
  });

  it('lists the track in the master: one SUBTITLES rendition, SUBTITLES="subs" on the variant', async () => {
    const master = await (await media('vid_cc/master.m3u8')).text();
    expect(master).toContain(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="fr",URI="${french.id}/playlist.m3u8"`);
    expect(master).toMatch(/#EXT-X-STREAM-INF:.*,SUBTITLES="subs"\n360p\/playlist\.m3u8/);
  });

  it('serves one WebVTT segment per video segment, immutable once READY, with the media timeline in X-TIMESTAMP-MAP', async () => {
    const video = await (await media('vid_cc/360p/playlist.m3u8')).text();
    const playlist = await media(`vid_cc/${french.id}/playlist.m3u8`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('cache-control')).toContain('immutable');
    const text = await playlist.text();
    const durations = (t: string) => [...t.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    expect(durations(text)).toEqual(durations(video));
    expect(durations(text).length).toBe(3);
    const first = await media(`vid_cc/${french.id}/seg_00001.vtt`);
    expect(first.headers.get('content-type')).toContain('text/vtt');
    const firstText = await first.text();
    expect(firstText.split('\n').slice(0, 2)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000']);
    expect(firstText).toContain('00:00:00.500 --> 00:00:01.500\nBonjour à tous');
    expect(firstText).not.toContain('Une phrase');
    // 2 s segments: the cue from 2.5 s to 4.5 s shows in the second and the third.
    const second = await (await media(`vid_cc/${french.id}/seg_00002.vtt`)).text();
    expect(second).toContain('00:00:02.500 --> 00:00:04.500\nUne phrase &amp; une autre');
    expect(second).not.toContain('Bonjour');
    const third = await (await media(`vid_cc/${french.id}/seg_00003.vtt`)).text();
    expect(third).toContain('Une phrase');
    expect(third).toContain('00:00:05.000 --> 00:00:05.800\nFin');
    expect((await media(`vid_cc/${french.id}/seg_00009.vtt`)).status).toBe(404);
    expect((await media(`vid_cc/cap_unknown/playlist.m3u8`)).status).toBe(404);
  });

  it('reads a chunked ladder\'s media timeline from its fMP4 (1 s in, less AAC priming): MPEGTS about 90000', async () => {
    const track = await storeCaptionTrack({ sql: stack.sql, s3: stack.s3, mediaBucket: 'vora-media', log }, { videoId: 'vid_chunked', language: 'fr', label: 'FR', kind: 'subtitles', generated: false, text: SRT });
    if (!track.ok) throw new Error(track.error);
    const segment = await (await media(`vid_chunked/${track.track.id}/seg_00001.vtt`)).text();
    const mpegts = Number(/^X-TIMESTAMP-MAP=MPEGTS:(\d+),LOCAL:00:00:00\.000$/.exec(segment.split('\n')[1]!)?.[1]);
    // The earliest track is the audio, its AAC priming frame (1024/48000 s) before the 1 s offset: hls.js's initPTS too.
    expect(Math.abs(mpegts - 90_000)).toBeLessThan(0.05 * 90_000);
  });

  // Debian 12's FFmpeg (5.1) leaves a master's SUBTITLES renditions out, so it reads the playlist the master names.
  it('plays as a subtitle stream in FFmpeg\'s HLS demuxer, cues at their times', async () => {
    const master = await (await media('vid_cc/master.m3u8')).text();
    const uri = /TYPE=SUBTITLES,.*URI="([^"]+)"/.exec(master)![1]!;
    const url = `${stack.gatewayUrl}/media/vid_cc/${uri}`;
    const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-headers', operatorHeader(), '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', url], { timeoutMs: 60_000 }));
    expect(probe.streams).toEqual([{ codec_type: 'subtitle', codec_name: 'webvtt' }]);
    const cues = await run('ffmpeg', ['-v', 'error', '-headers', operatorHeader(), '-i', url, '-map', '0:s:0', '-f', 'webvtt', '-'], { timeoutMs: 60_000 });
    expect(cues).toMatch(/00:0?0?:?00\.500 --> 00:0?0?:?01\.500\nBonjour à tous/);
    expect(cues).toMatch(/00:0?0?:?05\.000 --> 00:0?0?:?05\.800\nFin/);
  });

  it('an uploaded track replaces the generated one of its language; a generated one never replaces an upload', async () => {
    const deps = { sql: stack.sql, s3: stack.s3, mediaBucket: 'vora-media', log };
    const generated = await storeCaptionTrack(deps, { videoId: 'vid_cc', language: 'en', label: 'English (auto)', kind: 'captions', generated: true, text: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n' });
    if (!generated.ok) throw new Error(generated.error);
    const again = await storeCaptionTrack(deps, { videoId: 'vid_cc', language: 'en', label: 'English (auto)', kind: 'captions', generated: true, text: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello again\n' });
    expect(again.ok && again.replaced).toEqual([generated.track.id]);
    const uploaded = CaptionTrackCreated.parse(await (await addTrack('vid_cc', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n', 'language=en&kind=captions', 'text/vtt')).json());
    expect(uploaded.replaced).toEqual([again.ok ? again.track.id : '']);
    expect(uploaded.label).toBe('English');
    const refused = await storeCaptionTrack(deps, { videoId: 'vid_cc', language: 'en', label: 'English (auto)', kind: 'captions', generated: true, text: 'WEBVTT\n' });
    expect(refused).toMatchObject({ ok: false, reason: 'uploaded_track_exists' });
    const tracks = CaptionTrackList.parse(await (await api.request('/v1/videos/vid_cc/captions')).json()).tracks;
    expect(tracks.map((track) => [track.language, track.generated])).toEqual([['fr', false], ['en', false]]);
    await expect(stack.s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: `vid_cc/${generated.track.id}/track.vtt` }))).rejects.toThrow();
  });

  it('deletes a track: gone from the list, the master and storage', async () => {
    const deleted = await api.request(`/v1/videos/vid_cc/captions/${french.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect((await api.request(`/v1/videos/vid_cc/captions/${french.id}`, { method: 'DELETE' })).status).toBe(404);
    const master = await (await media('vid_cc/master.m3u8')).text();
    expect(master).not.toContain(french.id);
    expect(master).toContain('LANGUAGE="en"');
    await expect(stack.s3.send(new HeadObjectCommand({ Bucket: 'vora-media', Key: `vid_cc/${french.id}/track.vtt` }))).rejects.toThrow();
  });
});
