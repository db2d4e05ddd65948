import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import { renditionReport } from '../../origin/src/live/llhls/live-state.ts';
import { writeMediaPlaylist } from '../../origin/src/live/llhls/media-playlist.ts';
import { PartCutter } from '../../origin/src/live/llhls/part-cutter.ts';
import { fakeInit, gopFragments } from './support/llhls-fragments.ts';

const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });

beforeAll(() => setOptions({ strictMode: true, silent: true }));
afterAll(() => setOptions({ strictMode: false, silent: false }));

const strict = (text: string) => parse(text) as MediaPlaylist;

/** Every rule the RFC sets on one playlist that the packager controls, checked on hls-parser's reading of it. */
function checkRules(playlist: MediaPlaylist, text: string): void {
  expect(playlist.targetDuration).toBe(2);
  expect(playlist.lowLatencyCompatibility).toMatchObject({ canBlockReload: true, holdBack: 6 });
  expect(playlist.lowLatencyCompatibility!.partHoldBack).toBeGreaterThanOrEqual(3 * playlist.partTargetDuration!);
  expect(text).toContain('#EXT-X-PART-INF:PART-TARGET=0.36');
  const complete = playlist.segments.filter((s) => s.uri);
  for (const segment of complete) expect(Math.round(segment.duration)).toBeLessThanOrEqual(playlist.targetDuration);
  const hints = playlist.segments.flatMap((s) => s.parts.filter((p) => p.hint));
  expect(hints).toHaveLength(playlist.endlist ? 0 : 1);
  let fromEnd = 0;
  for (let i = playlist.segments.length - 1; i >= 0; i--) {
    const segment = playlist.segments[i]!;
    const parts = segment.parts.filter((p) => !p.hint);
    fromEnd += segment.uri ? segment.duration : parts.reduce((n, p) => n + p.duration!, 0);
    if (parts.length > 0) expect(fromEnd).toBeLessThanOrEqual(3 * playlist.targetDuration + 1e-6); // §6.2.2
    parts.forEach((part, index) => {
      expect(part.duration!).toBeLessThanOrEqual(playlist.partTargetDuration!);
      const final = segment.uri !== '' && index === parts.length - 1;
      if (!final && !part.independent) expect(part.duration!).toBeGreaterThanOrEqual(0.85 * playlist.partTargetDuration!);
    });
  }
}

describe('the LL-HLS media playlist', () => {
  it('is null before the first part: there is nothing to list yet', () => {
    const cutter = new PartCutter(options);
    cutter.startStream(fakeInit(1));
    expect(writeMediaPlaylist(cutter.state, options)).toBeNull();
  });

  it('reads like this at the live edge (segment 3 in progress, parts of the last segments, hint, sibling report)', () => {
    const cutter = new PartCutter(options);
    cutter.startStream(fakeInit(1));
    for (const fragment of gopFragments(140)) cutter.addFragment(fragment);
    const text = writeMediaPlaylist(cutter.state, options, [{ uri: '../360p/playlist.m3u8', lastMSN: 3, lastPart: 1 }]);
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=6,PART-HOLD-BACK=1.08',
        '#EXT-X-PART-INF:PART-TARGET=0.36',
        '#EXT-X-MEDIA-SEQUENCE:1',
        '#EXT-X-MAP:URI="init_00001.mp4"',
        ...[1, 2].flatMap((msn) => [
          ...[0, 1, 2, 3, 4, 5].map((i) => `#EXT-X-PART:DURATION=0.33333,URI="seg_0000${msn}.part${i}.m4s"${i === 0 ? ',INDEPENDENT=YES' : ''}`),
          '#EXTINF:2,',
          `seg_0000${msn}.m4s`,
        ]),
        '#EXT-X-PART:DURATION=0.33333,URI="seg_00003.part0.m4s",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=0.33333,URI="seg_00003.part1.m4s"',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_00003.part2.m4s"',
        '#EXT-X-RENDITION-REPORT:URI="../360p/playlist.m3u8",LAST-MSN=3,LAST-PART=1',
        '',
      ].join('\n'),
    );
  });

  it('passes a strict parse and the RFC rules at every step of a broadcast with a reconnect and an end', () => {
    const cutter = new PartCutter(options);
    const sibling = new PartCutter(options);
    const steps: { text: string; hint: string | null }[] = [];
    const added: { hinted: string | undefined; part: string }[] = [];
    const publish = (frames: number, tag: number) => {
      cutter.startStream(fakeInit(tag));
      sibling.startStream(fakeInit(tag));
      for (const fragment of gopFragments(frames, { firstFrameExtra: 0.0214 })) {
        const hinted = cutter.state.hint?.uri;
        const part = cutter.addFragment(fragment).find((e) => e.kind === 'part');
        added.push({ hinted, part: part?.kind === 'part' ? part.part.uri : 'none' });
        sibling.addFragment(fragment);
        const report = renditionReport(sibling.state, '../360p/playlist.m3u8')!;
        steps.push({ text: writeMediaPlaylist(cutter.state, options, [report])!, hint: cutter.state.hint?.uri ?? null });
      }
      cutter.endStream();
      sibling.endStream();
      // Between runs: every segment complete, the hint trailing them for the run that may come back.
      steps.push({ text: writeMediaPlaylist(cutter.state, options, [renditionReport(sibling.state, '../360p/playlist.m3u8')!])!, hint: cutter.state.hint?.uri ?? null });
    };
    publish(30 * 31, 1);
    publish(30 * 29 + 10, 2); // the publisher came back; it stops mid-segment
    cutter.end();
    steps.push({ text: writeMediaPlaylist(cutter.state, options)!, hint: null });

    // Each preload hint named the part that came next, across the reconnect too.
    expect(added.filter(({ hinted, part }) => hinted !== part)).toEqual([]);
    let lastDiscontinuitySequence = 0;
    for (const { text, hint } of steps) {
      const playlist = strict(text);
      checkRules(playlist, text);
      if (hint) expect(text).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${hint}"`);
      if (!playlist.endlist) expect(playlist.renditionReports).toHaveLength(1);
      const listed = playlist.segments.filter((s) => s.uri);
      if (listed.length > 0) {
        expect(listed[0]!.uri).toBe(`seg_${String(playlist.mediaSequenceBase ?? 0).padStart(5, '0')}.m4s`);
        expect(listed[0]!.discontinuitySequence).toBeGreaterThanOrEqual(lastDiscontinuitySequence);
        lastDiscontinuitySequence = listed[0]!.discontinuitySequence;
      }
    }
    const final = strict(steps.at(-1)!.text);
    expect(final.endlist).toBe(true);
    expect(final.segments.at(-1)!.uri).toBe('seg_00031.m4s');
  });

  it('keeps MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE right as the discontinuity slides out of the window', () => {
    const cutter = new PartCutter(options);
    const sequences: [number, number, boolean][] = [];
    for (const [tag, frames] of [[1, 120], [2, 120], [3, 600]] as const) {
      cutter.startStream(fakeInit(tag));
      for (const fragment of gopFragments(frames)) {
        cutter.addFragment(fragment);
        const playlist = strict(writeMediaPlaylist(cutter.state, options)!);
        const first = playlist.segments[0]!;
        // hls-parser recomputes each segment's Discontinuity Sequence Number from the tags: it must equal the packager's.
        const state = cutter.state.segments.find((s) => s.msn === first.mediaSequenceNumber)!;
        expect(first.discontinuitySequence).toBe(state.discontinuitySequence);
        for (const segment of playlist.segments.filter((s) => s.uri)) {
          expect(segment.discontinuitySequence).toBe(cutter.state.segments.find((s) => s.msn === segment.mediaSequenceNumber)!.discontinuitySequence);
          expect(segment.map.uri).toBe(cutter.state.segments.find((s) => s.msn === segment.mediaSequenceNumber)!.init.uri);
        }
        sequences.push([playlist.mediaSequenceBase ?? 0, playlist.discontinuitySequenceBase ?? 0, first.discontinuity ?? false]);
      }
      cutter.endStream();
    }
    const bases = sequences.map(([msn]) => msn);
    expect(bases).toEqual([...bases].sort((a, b) => a - b)); // never decreases
    expect(sequences.at(-1)).toEqual([8, 2, false]);
  });

  it('stops listing a part after 3 target durations but keeps its bytes servable for 3 more', () => {
    const cutter = new PartCutter(options);
    cutter.startStream(fakeInit(1));
    const unlistedAt = new Map<string, number>();
    const droppedAt = new Map<string, number>();
    let now = 0;
    for (const fragment of gopFragments(30 * 60)) {
      cutter.addFragment(fragment);
      now += fragment.durationSeconds;
      const text = writeMediaPlaylist(cutter.state, options)!;
      const retained = new Set(cutter.state.segments.flatMap((s) => s.parts.map((p) => p.uri)));
      for (const uri of retained) if (!text.includes(`URI="${uri}"`) && !unlistedAt.has(uri)) unlistedAt.set(uri, now);
      for (const uri of unlistedAt.keys()) if (!retained.has(uri) && !droppedAt.has(uri)) droppedAt.set(uri, now);
    }
    expect(droppedAt.size).toBeGreaterThan(100);
    for (const [uri, at] of droppedAt) expect(at - unlistedAt.get(uri)!).toBeGreaterThanOrEqual(3 * options.targetDurationSeconds);
  });
});
