// Rewrite cost of per-viewer playlists. Run: node --import tsx bench/playback-rewrite.ts
import { parse, stringify } from 'hls-parser';
import { rewriteMaster } from '../edge/src/playback/rewrite-master.ts';
import { rewriteMediaWithHlsParser } from '../edge/src/playback/rewrite-media-hls.ts';
import { rewriteMedia } from '../edge/src/playback/rewrite-media.ts';
import { segmentTokenExpiry, signSegmentToken } from '../edge/src/playback/segment-token.ts';
import { masterPlaylist, vodPlaylist } from './playback-fixtures.ts';
import { measure, printTable } from './playback-measure.ts';

const media = vodPlaylist({ segments: 1800, segmentSeconds: 4, fmp4: true });
const master = masterPlaylist();
const secret = 'bench-secret-0123456789abcdef';
const options = {
  nodeBaseUrl: 'http://127.0.0.1:8081',
  mediaPathPrefix: '/media/vid1/720p/',
  segmentQuery: ({ durationSeconds }: { durationSeconds: number }) =>
    signSegmentToken({ videoId: 'vid1', secret, expires: segmentTokenExpiry(Date.now(), durationSeconds) }).query,
};
// V8 may share the characters of a copy; encoding is what answering with the untouched text costs.
const copy = (text: string) => (' ' + text).slice(1);
const encoder = new TextEncoder();

const sanity = rewriteMedia(media, options);
if (!sanity.ok) throw new Error(sanity.error);
console.log(`media playlist: 1,800 segments × 4 s (fMP4 + EXT-X-MAP), ${media.length} chars in, ${sanity.text.length} out; master: ${master.length} chars`);

printTable('media playlist (2 h, 1,800 segments)', [
  measure('baseline: passthrough (string copy)', () => copy(media)),
  measure('baseline: passthrough as a body (UTF-8 encode)', () => encoder.encode(media)),
  measure('baseline: hls-parser parse + stringify, untouched', () => stringify(parse(media))),
  measure('rewriteMedia (line-based, used by the edge)', () => rewriteMedia(media, options)),
  measure('rewriteMediaWithHlsParser (reference)', () => rewriteMediaWithHlsParser(media, options)),
]);

printTable('master playlist (5 variants, 2 renditions, 2 I-frame)', [
  measure('baseline: passthrough (string copy)', () => copy(master)),
  measure('baseline: passthrough as a body (UTF-8 encode)', () => encoder.encode(master)),
  measure('rewriteMaster (hls-parser), no filter', () => rewriteMaster(master, { tokenPath: '/v/eyJhbGciOi.x.y/' })),
  measure('rewriteMaster (hls-parser), maxHeight 720', () => rewriteMaster(master, { tokenPath: '/v/eyJhbGciOi.x.y/', maxHeight: 720 })),
]);
