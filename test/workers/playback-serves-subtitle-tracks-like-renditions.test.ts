// Caption tracks through the edge (issue 25): the master's SUBTITLES renditions stay on the edge under the token,
// each written once; a track's playlist is rewritten like any rendition's, its WebVTT segments sent to the node
// chosen for the video with the video's segment token.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { edgeFetch } from './helpers.ts';
import { bodyText, clearNodes, makeSigner, MEDIA, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;
beforeAll(async () => {
  signer = await makeSigner('subtitles-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
beforeEach(async () => {
  await clearNodes();
  await registerNode('cdn-a');
  await registerNode('cdn-b');
  await registerNode('cdn-c');
});
afterEach(() => vi.restoreAllMocks());

/** What the gateway writes for a video with two tracks (origin/src/gateway/master-playlist.ts). */
const MASTER_WITH_SUBTITLES = `#EXTM3U
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="fr",URI="cap_fr1/playlist.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",DEFAULT=NO,AUTOSELECT=NO,FORCED=NO,LANGUAGE="en",URI="cap_en1/playlist.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360,SUBTITLES="subs"
360p/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,SUBTITLES="subs"
720p/playlist.m3u8
`;

/** What the gateway writes for a track (origin/src/captions/subtitle-segments.ts). */
const SUBTITLE_PLAYLIST = `#EXTM3U
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:4,
seg_00001.vtt
#EXTINF:4,
seg_00002.vtt
#EXTINF:2.5,
seg_00003.vtt
#EXT-X-ENDLIST
`;

const mediaLines = (text: string) => text.split('\n').filter((line) => line.startsWith('#EXT-X-MEDIA:'));

describe('caption tracks through the edge', () => {
  it('keeps each SUBTITLES rendition once, relative under the token, with SUBTITLES="subs" on every variant', async () => {
    const video = uniqueVideo('subs-master');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER_WITH_SUBTITLES) });
    const token = await signer.sign({ sub: video });
    const response = await edgeFetch(`/v/${token}/master.m3u8`);
    expect(response.status).toBe(200);
    const text = await bodyText(response);
    expect(mediaLines(text)).toEqual(mediaLines(MASTER_WITH_SUBTITLES));
    expect(text.match(/SUBTITLES="subs"/g)).toHaveLength(2);
    const uri = /URI="([^"]+)"/.exec(mediaLines(text)[0]!)![1]!;
    expect(new URL(uri, `https://edge.test/v/${token}/master.m3u8`).pathname).toBe(`/v/${token}/cap_fr1/playlist.m3u8`);
  });

  it('keeps the tracks when the token caps the height', async () => {
    const video = uniqueVideo('subs-maxh');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER_WITH_SUBTITLES) });
    const text = await bodyText(await edgeFetch(`/v/${await signer.sign({ sub: video, maxHeight: 360 })}/master.m3u8`));
    expect(text).not.toContain('720p');
    expect(mediaLines(text)).toHaveLength(2);
  });

  it('sends a track\'s segments to the node chosen for the video, with the video\'s segment token', async () => {
    const video = uniqueVideo('subs-media');
    const asked = mockOrigin({
      [`/media/${video}/cap_fr1/playlist.m3u8`]: playlist(SUBTITLE_PLAYLIST, 'public, max-age=31536000, immutable'),
      [`/media/${video}/360p/playlist.m3u8`]: playlist(MEDIA),
    });
    const token = await signer.sign({ sub: video });
    const subtitles = await edgeFetch(`/v/${token}/cap_fr1/playlist.m3u8`);
    expect(subtitles.status).toBe(200);
    expect(asked).toContain(`/media/${video}/cap_fr1/playlist.m3u8`);
    const video360 = await edgeFetch(`/v/${token}/360p/playlist.m3u8`);
    // One node per video: captions come from where its segments come from.
    expect(subtitles.headers.get('X-Vora-Cdn-Node')).toBe(video360.headers.get('X-Vora-Cdn-Node'));
    const node = subtitles.headers.get('X-Vora-Cdn-Node')!;
    const uris = (await bodyText(subtitles)).split('\n').filter((line) => line && !line.startsWith('#'));
    expect(uris).toHaveLength(3);
    const first = new URL(uris[0]!);
    expect(`${first.origin}${first.pathname}`).toBe(`https://${node}.cdn.test/media/${video}/cap_fr1/seg_00001.vtt`);
    const expires = Number(first.searchParams.get('e'));
    expect(first.search).toBe(`?${signSegmentToken({ videoId: video, secret: env.NODE_KEY!, expires }).query}`);
  });

  it('refuses a track playlist outside the token\'s video like any other path', async () => {
    const video = uniqueVideo('subs-other');
    mockOrigin({});
    const token = await signer.sign({ sub: video });
    expect((await edgeFetch(`/v/${token}/cap_missing/playlist.m3u8`)).status).toBe(404);
    expect((await edgeFetch(`/v/${token}/cap..x/playlist.m3u8`)).status).toBe(404);
  });
});
