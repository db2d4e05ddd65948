// LL-HLS through the edge's media rewrite: parts and preload hints go to the chosen node with the segment token,
// exactly like segments and EXT-X-MAP; rendition reports stay relative on the edge (the viewer's token path).
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteMediaWithHlsParser } from '../../edge/src/playback/rewrite-media-hls.ts';
import { rewriteMedia } from '../../edge/src/playback/rewrite-media.ts';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import { renditionReport } from '../../origin/src/live/llhls/live-state.ts';
import { writeMediaPlaylist } from '../../origin/src/live/llhls/media-playlist.ts';
import { PartCutter } from '../../origin/src/live/llhls/part-cutter.ts';
import { fakeInit, gopFragments } from './support/llhls-fragments.ts';

const llhls = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });
const prefix = '/media/live/in_1/b2/720p/';
const options = { nodeBaseUrl: 'https://cdn-1.example', mediaPathPrefix: prefix, segmentQuery: 'st=SIG&e=1767225600' };
const node = `https://cdn-1.example${prefix}`;

beforeAll(() => setOptions({ strictMode: true, silent: true }));
afterAll(() => setOptions({ strictMode: false, silent: false }));

/** The packager's playlist after `frames` frames of a 30 fps run, with a 360p sibling's report. */
function livePlaylist(frames: number): string {
  const cutter = new PartCutter(llhls);
  const sibling = new PartCutter(llhls);
  cutter.startStream(fakeInit(1));
  sibling.startStream(fakeInit(1));
  for (const fragment of gopFragments(frames)) {
    cutter.addFragment(fragment);
    sibling.addFragment(fragment);
  }
  return writeMediaPlaylist(cutter.state, llhls, [renditionReport(sibling.state, '../360p/playlist.m3u8')!])!;
}

function rewritten(text: string, rewrite = rewriteMedia): string {
  const result = rewrite(text, options);
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

/** What a low-latency player reads: segments, parts, the hint, the reports, the server control. */
function semantics(text: string) {
  const playlist = parse(text) as MediaPlaylist;
  return {
    serverControl: playlist.lowLatencyCompatibility,
    partTarget: playlist.partTargetDuration,
    segments: playlist.segments.map((s) => ({ uri: s.uri, map: s.map?.uri, parts: s.parts.map((p) => ({ uri: p.uri, hint: p.hint, duration: p.duration, independent: p.independent })) })),
    reports: playlist.renditionReports.map((r) => ({ uri: r.uri, lastMSN: r.lastMSN, lastPart: r.lastPart })),
  };
}

// Mid-segment (hint on the open segment's next part), and right after a segment closed (hint on the next segment's part 0).
const moments: [string, number][] = [
  ['mid-segment', 140],
  ['between segments', 180],
];

describe('rewriteMedia on a low-latency playlist', () => {
  it.each(moments)('gives what hls-parser parse+rewrite+stringify gives (%s), and the result parses strictly', (_, frames) => {
    const text = livePlaylist(frames);
    const lineBased = semantics(rewritten(text));
    expect(lineBased).toEqual(semantics(rewritten(text, rewriteMediaWithHlsParser)));
    expect(lineBased.segments.flatMap((s) => s.parts).filter((p) => p.hint)).toHaveLength(1);
  });

  it.each(moments)('sends every part, the preload hint and the init to the node with the token (%s)', (_, frames) => {
    const source = livePlaylist(frames);
    const text = rewritten(source);
    const playlist = parse(text) as MediaPlaylist;
    const parts = playlist.segments.flatMap((s) => s.parts);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(part.uri).toMatch(new RegExp(`^${node}seg_\\d{5}\\.part\\d+\\.m4s\\?st=SIG&e=1767225600$`));
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(source)![1]!;
    expect(text).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${node}${hint}?st=SIG&e=1767225600"`);
    expect(text).toContain(`#EXT-X-MAP:URI="${node}init_00001.mp4?st=SIG&e=1767225600"`);
    for (const segment of playlist.segments.filter((s) => s.uri)) expect(segment.uri).toMatch(new RegExp(`^${node}seg_\\d{5}\\.m4s\\?st=`));
  });

  it('keeps the rendition report on the edge, relative (it resolves under the viewer\'s /v/{token}/ path), and copies the rest', () => {
    const source = livePlaylist(140);
    const text = rewritten(source);
    expect(text).toMatch(/#EXT-X-RENDITION-REPORT:URI="\.\.\/360p\/playlist\.m3u8",LAST-MSN=3,LAST-PART=1\n/);
    expect(new URL('../360p/playlist.m3u8', 'https://edge.example/v/TOKEN/b2/720p/playlist.m3u8?_HLS_msn=3&_HLS_part=2').href).toBe('https://edge.example/v/TOKEN/b2/360p/playlist.m3u8');
    // Every line that names no file is copied as it is.
    const untouched = (t: string) => t.split('\n').filter((line) => !/URI=|^[^#]/.test(line));
    expect(untouched(text)).toEqual(untouched(source));
    expect(untouched(text)).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=6,PART-HOLD-BACK=1.08');
    expect(untouched(text)).toContain('#EXT-X-PART-INF:PART-TARGET=0.36');
  });

  it('writes a report that names its sibling otherwise (an absolute path of the same broadcast) as ../{rendition}/playlist.m3u8', () => {
    const source = livePlaylist(140).replace('URI="../360p/playlist.m3u8"', `URI="${prefix.replace('720p/', '')}360p/playlist.m3u8"`);
    expect(rewritten(source)).toContain('#EXT-X-RENDITION-REPORT:URI="../360p/playlist.m3u8"');
  });

  const refusals: [string, (text: string) => string, RegExp][] = [
    ['a part of another input', (t) => t.replace(/URI="seg_00003\.part0\.m4s"/, 'URI="../../../in_2/b2/720p/seg_00003.part0.m4s"'), /outside \/media\/live\/in_1\//],
    ['a hint on another host outside /media', (t) => t.replace(/PRELOAD-HINT:TYPE=PART,URI="[^"]+"/, 'PRELOAD-HINT:TYPE=PART,URI="https://evil.example/x.m4s"'), /outside/],
    ['a hint without URI', (t) => t.replace(/PRELOAD-HINT:TYPE=PART,URI="[^"]+"/, 'PRELOAD-HINT:TYPE=PART'), /EXT-X-PRELOAD-HINT has no quoted URI/],
    ['a report on another host', (t) => t.replace('URI="../360p/playlist.m3u8"', 'URI="https://evil.example/360p/playlist.m3u8"'), /sibling/],
    ['a report of another broadcast', (t) => t.replace('URI="../360p/playlist.m3u8"', 'URI="../../b1/360p/playlist.m3u8"'), /sibling/],
    ['a report naming a segment', (t) => t.replace('URI="../360p/playlist.m3u8"', 'URI="../360p/seg_00001.m4s"'), /sibling/],
    ['a report without URI', (t) => t.replace('URI="../360p/playlist.m3u8",', ''), /RENDITION-REPORT has no quoted URI/],
  ];
  it.each(refusals)('refuses %s with a reason, like a segment outside the folder', (_, edit, reason) => {
    const text = edit(livePlaylist(140));
    for (const rewrite of [rewriteMedia, rewriteMediaWithHlsParser]) {
      const result = rewrite(text, options);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(rewrite === rewriteMedia ? reason : /./);
    }
  });
});
