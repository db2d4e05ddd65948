// Rewrite cost of per-viewer playlists (rewrite-media, rewrite-master). Run: node --import tsx bench/playback-rewrite.ts
import { parse, stringify } from 'hls-parser';
import { rewriteMaster } from '../edge/src/playback/rewrite-master.ts';
import { rewriteMediaWithHlsParser } from '../edge/src/playback/rewrite-media-hls.ts';
import { rewriteMedia } from '../edge/src/playback/rewrite-media.ts';
import { segmentTokenExpiry, signSegmentToken } from '../edge/src/playback/segment-token.ts';
import { modeNote } from './lib/options.ts';
import { masterPlaylist, vodPlaylist } from './lib/playback-fixtures.ts';
import { measure, printTable } from './lib/playback-measure.ts';
import { writeResults } from './lib/results.ts';

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

const [mediaCopy, mediaEncode, mediaParse, mediaRewrite, mediaHls] = [
  measure('baseline: passthrough (string copy)', () => copy(media)),
  measure('baseline: passthrough as a body (UTF-8 encode)', () => encoder.encode(media)),
  measure('baseline: hls-parser parse + stringify, untouched', () => stringify(parse(media))),
  measure('rewriteMedia (line-based, used by the edge)', () => rewriteMedia(media, options)),
  measure('rewriteMediaWithHlsParser (reference)', () => rewriteMediaWithHlsParser(media, options)),
] as const;
printTable('media playlist (2 h, 1,800 segments)', [mediaCopy, mediaEncode, mediaParse, mediaRewrite, mediaHls]);

const [masterCopy, masterEncode, masterRewrite, masterFiltered] = [
  measure('baseline: passthrough (string copy)', () => copy(master)),
  measure('baseline: passthrough as a body (UTF-8 encode)', () => encoder.encode(master)),
  measure('rewriteMaster (hls-parser), no filter', () => rewriteMaster(master, { tokenPath: '/v/eyJhbGciOi.x.y/' })),
  measure('rewriteMaster (hls-parser), maxHeight 720', () => rewriteMaster(master, { tokenPath: '/v/eyJhbGciOi.x.y/', maxHeight: 720 })),
] as const;
printTable('master playlist (5 variants, 2 renditions, 2 I-frame)', [masterCopy, masterEncode, masterRewrite, masterFiltered]);

const notes = (extra: string) => [extra, 'median of timed rounds after a warm-up, one core', modeNote].filter(Boolean).join('; ');
await writeResults('playback-rewrite', [
  {
    name: 'rewrite-media', value: mediaRewrite.opsPerSecond, unit: 'ops/s', better: 'higher',
    baseline: 'hls-parser parse + stringify of the untouched playlist', baselineValue: mediaParse.opsPerSecond,
    goal: { text: 'ratio ≥ 0.5× and under 2 ms (≥ 500 ops/s)', ratioAtLeast: 0.5, valueAtLeast: 500 },
    notes: notes(`1,800 segments, ${mediaRewrite.msPerOp.toFixed(3)} ms per playlist; hls-parser rewrite ${mediaHls.msPerOp.toFixed(2)} ms`),
  },
  {
    name: 'rewrite-media-vs-passthrough', value: mediaRewrite.opsPerSecond, unit: 'ops/s', better: 'higher',
    baseline: 'passthrough as a body (UTF-8 encode)', baselineValue: mediaEncode.opsPerSecond, goal: {},
    notes: notes(`string copy: ${mediaCopy.opsPerSecond.toFixed(0)} ops/s`),
  },
  {
    name: 'rewrite-master', value: masterRewrite.opsPerSecond, unit: 'ops/s', better: 'higher',
    baseline: 'passthrough as a body (UTF-8 encode)', baselineValue: masterEncode.opsPerSecond,
    goal: { text: 'under 0.2 ms (≥ 5,000 ops/s)', valueAtLeast: 5000 },
    notes: notes(`${masterRewrite.msPerOp.toFixed(4)} ms per master; with maxHeight 720: ${masterFiltered.msPerOp.toFixed(4)} ms; string copy ${masterCopy.opsPerSecond.toFixed(0)} ops/s`),
  },
]);
