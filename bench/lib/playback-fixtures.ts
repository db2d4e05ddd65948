// Sample origin playlists shared by bench/playback-rewrite.ts and test/unit/playback-*.test.ts.

export interface VodPlaylistShape {
  segments: number;
  segmentSeconds?: number;
  /** fMP4 with an EXT-X-MAP init segment (what the transcoder writes), else MPEG-TS segments. */
  fmp4?: boolean;
  /** A discontinuity (and a new init segment when fMP4) every N segments. */
  discontinuityEvery?: number;
  /** All segments as byte ranges of one file. */
  byteranges?: boolean;
  programDateTime?: boolean;
  /** How segment URIs are written: bare names, `../`-relative, absolute paths or absolute origin URLs. */
  uriStyle?: 'plain' | 'dotdot' | 'absolute-path' | 'origin-url';
}

const pad = (n: number) => String(n).padStart(5, '0');

/** A VOD media playlist for `/media/vid1/720p/playlist.m3u8`. */
export function vodPlaylist(shape: VodPlaylistShape): string {
  const seconds = shape.segmentSeconds ?? 4;
  const uri = (file: string) =>
    ({ plain: file, dotdot: `../720p/${file}`, 'absolute-path': `/media/vid1/720p/${file}`, 'origin-url': `http://127.0.0.1:8080/media/vid1/720p/${file}` })[shape.uriStyle ?? 'plain'];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${Math.ceil(seconds)}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (shape.fmp4) lines.push(`#EXT-X-MAP:URI="${uri('init.mp4')}"`);
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  for (let i = 0; i < shape.segments; i++) {
    if (shape.discontinuityEvery && i > 0 && i % shape.discontinuityEvery === 0) {
      lines.push('#EXT-X-DISCONTINUITY');
      if (shape.fmp4) lines.push(`#EXT-X-MAP:URI="${uri(`init_${i}.mp4`)}"`);
    }
    if (shape.programDateTime && (i === 0 || (shape.discontinuityEvery && i % shape.discontinuityEvery === 0))) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(start + i * seconds * 1000).toISOString()}`);
    }
    lines.push(`#EXTINF:${seconds.toFixed(3)},`);
    if (shape.byteranges) {
      lines.push(`#EXT-X-BYTERANGE:${100_000 + i}@${i * 200_000}`);
      lines.push(uri(shape.fmp4 ? 'all.m4s' : 'all.ts'));
    } else {
      lines.push(uri(`seg_${pad(i)}.${shape.fmp4 ? 'm4s' : 'ts'}`));
    }
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** A master with audio and subtitle renditions, five video variants and two I-frame playlists. */
export function masterPlaylist(): string {
  const ladder = [[426, 240, 400_000], [640, 360, 800_000], [854, 480, 1_400_000], [1280, 720, 2_800_000], [1920, 1080, 5_000_000]] as const;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en/playlist.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",LANGUAGE="fr",DEFAULT=NO,AUTOSELECT=YES,URI="http://127.0.0.1:8080/media/vid1/subs/fr/playlist.m3u8"',
  ];
  for (const [width, height, bandwidth] of ladder) {
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${width}x${height},CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud",SUBTITLES="subs"`);
    lines.push(height === 1080 ? 'http://127.0.0.1:8080/media/vid1/1080p/playlist.m3u8' : `${height}p/playlist.m3u8`);
  }
  lines.push('#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,RESOLUTION=640x360,CODECS="avc1.64001f",URI="360p/iframes.m3u8"');
  lines.push('#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=300000,RESOLUTION=1920x1080,CODECS="avc1.64001f",URI="/media/vid1/1080p/iframes.m3u8"');
  return lines.join('\n') + '\n';
}
