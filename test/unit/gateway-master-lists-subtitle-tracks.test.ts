import { parse } from 'hls-parser';
import type { MasterPlaylist } from 'hls-parser/types.js';
import { describe, expect, it } from 'vitest';
import { buildMasterPlaylist, type MasterRendition, type MasterSubtitleTrack } from '../../origin/src/gateway/master-playlist.ts';

const rendition = (name: string, height: number, bandwidth: number): MasterRendition => ({
  videoId: 'vid_1', name, width: Math.round((height * 16) / 9), height, bandwidth, averageBandwidth: null,
  codecs: 'avc1.640028,mp4a.40.2', frameRate: 25, playlistKey: `vid_1/${name}/playlist.m3u8`, publishedAt: new Date(0),
});
const ladder = [rendition('720p', 720, 2_800_000), rendition('360p', 360, 800_000)];
const fr: MasterSubtitleTrack = { id: 'cap_fr1', language: 'fr', label: 'Français', kind: 'subtitles' };
const en: MasterSubtitleTrack = { id: 'cap_en1', language: 'en-US', label: 'English (CC)', kind: 'captions' };

describe('the master playlist with caption tracks', () => {
  it('lists each track once as a SUBTITLES rendition of group "subs" and names the group on every variant', () => {
    const text = buildMasterPlaylist(ladder, [fr, en])!;
    expect(text).toBe([
      '#EXTM3U',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="fr",URI="cap_fr1/playlist.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English (CC)",DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="en-US",'
        + 'CHARACTERISTICS="public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound",URI="cap_en1/playlist.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=25.000,SUBTITLES="subs"',
      '360p/playlist.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2800000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000,SUBTITLES="subs"',
      '720p/playlist.m3u8',
      '',
    ].join('\n'));
  });

  it('parses strictly, every variant holding both tracks', () => {
    const parsed = parse(buildMasterPlaylist(ladder, [fr, en])!) as MasterPlaylist;
    for (const variant of parsed.variants) expect(variant.subtitles.map((track) => [track.name, track.language, track.uri])).toEqual([['Français', 'fr', 'cap_fr1/playlist.m3u8'], ['English (CC)', 'en-US', 'cap_en1/playlist.m3u8']]);
  });

  it('is the same text as before captions existed when there is no track', () => {
    const text = buildMasterPlaylist(ladder, [])!;
    expect(text).toBe(buildMasterPlaylist(ladder));
    expect(text).not.toMatch(/SUBTITLES|EXT-X-MEDIA/);
  });

  it('gives repeated labels distinct NAMEs and leaves out a track whose text could break the playlist', () => {
    const text = buildMasterPlaylist(ladder, [fr, { ...fr, id: 'cap_fr2' }, { ...en, label: 'bad"\n#EXT-X-ENDLIST' }, { ...en, id: 'cap_../x' }])!;
    expect(text.match(/NAME="[^"]*"/g)).toEqual(['NAME="Français"', 'NAME="Français (2)"']);
  });
});
