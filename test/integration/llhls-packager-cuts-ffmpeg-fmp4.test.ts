// Real FFmpeg (Debian's) writes 6 s of fragmented MP4 to a pipe; the LL-HLS packager cuts it as the bytes arrive.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, setOptions } from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLlhlsOptions } from '../../origin/src/live/llhls/llhls-options.ts';
import type { LiveInit } from '../../origin/src/live/llhls/live-state.ts';
import type { CutEvent } from '../../origin/src/live/llhls/part-cutter.ts';
import { RenditionPackager } from '../../origin/src/live/llhls/rendition-packager.ts';
import { run } from '../../stack/exec.ts';

const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });

// What the live ladder will run per rendition, shortened: 2-s GOPs, fragments of 330 ms (the option is in µs), fMP4 to stdout.
const ffmpegArgs = [
  '-hide_banner', '-loglevel', 'error', '-nostdin',
  '-re', '-t', '6', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
  '-re', '-t', '6', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
  '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
  '-c:a', 'aac', '-b:a', '64k',
  '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '330000',
  'pipe:1',
];

interface Arrival {
  event: CutEvent;
  atMs: number;
}

describe('the LL-HLS packager on real FFmpeg fragmented MP4', () => {
  const packager = new RenditionPackager(options);
  const arrivals: Arrival[] = [];
  let chunks = 0;
  let stderr = '';
  let ffmpeg: ChildProcess | null = null;
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vora-llhls-'));
    packager.beginStream();
    const started = performance.now();
    const child = spawn('ffmpeg', ffmpegArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    ffmpeg = child;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      chunks++;
      const step = packager.push(chunk);
      if (step.error) throw new Error(`packager refused FFmpeg's bytes: ${step.error.code}: ${step.error.message}`);
      for (const event of step.events) arrivals.push({ event, atMs: performance.now() - started });
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    ffmpeg = null;
    if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(-800)}`);
    const step = packager.end();
    if (step.error) throw new Error(`${step.error.code}: ${step.error.message}`);
    for (const event of step.events) arrivals.push({ event, atMs: performance.now() - started });
  });

  afterAll(async () => {
    ffmpeg?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const events = <K extends CutEvent['kind']>(kind: K) => arrivals.map((a) => a.event).filter((e): e is Extract<CutEvent, { kind: K }> => e.kind === kind);

  it('reads every byte FFmpeg wrote, arriving in chunks that split boxes, without a warning', () => {
    expect(stderr).toBe('');
    expect(events('warning')).toEqual([]);
    expect(chunks).toBeGreaterThan(events('part').length);
    expect(events('init')).toHaveLength(1);
  });

  it('cuts parts no longer than PART-TARGET, and at least 85% of it unless independent or last in their segment', () => {
    const segments = events('segment').map((e) => e.segment);
    const parts = segments.flatMap((s) => s.parts);
    expect(parts.length).toBeGreaterThanOrEqual(17); // 6 s of 1/3-s parts
    for (const segment of segments) {
      segment.parts.forEach((part, index) => {
        expect(part.durationSeconds).toBeLessThanOrEqual(options.partTargetSeconds);
        if (!part.independent && index < segment.parts.length - 1) expect(part.durationSeconds).toBeGreaterThanOrEqual(0.85 * options.partTargetSeconds);
      });
    }
  });

  it('starts every segment with an independent part and cuts them at the 2-s keyframes', () => {
    const segments = events('segment').map((e) => e.segment);
    expect(segments.map((s) => s.msn)).toEqual([1, 2, 3]);
    for (const segment of segments) {
      expect(segment.parts[0]!.independent).toBe(true);
      expect(segment.parts.slice(1).every((p) => !p.independent)).toBe(true);
      expect(Math.round(segment.durationSeconds)).toBeLessThanOrEqual(options.targetDurationSeconds);
    }
  });

  it('makes segments (init + its parts end to end) that FFmpeg decodes without error, with the listed duration', async () => {
    const init: LiveInit = events('init')[0]!.init;
    for (const { segment, bytes } of events('segment')) {
      const file = join(dir, `${segment.uri}.mp4`);
      await writeFile(file, Buffer.concat([init.bytes, bytes]));
      // -v error prints nothing unless a packet or frame fails to decode.
      const decodeErrors = await run('ffmpeg', ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { timeoutMs: 60_000 });
      expect(decodeErrors.trim()).toBe('');
      const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,start_time,duration,nb_read_frames', '-of', 'json', file])) as {
        streams: { codec_type: string; start_time: string; duration: string; nb_read_frames: string }[];
      };
      const video = probe.streams.find((s) => s.codec_type === 'video')!;
      expect(Number(video.nb_read_frames)).toBe(60);
      expect(Number(video.duration) - Number(video.start_time)).toBeCloseTo(segment.durationSeconds, 3);
      expect(probe.streams.find((s) => s.codec_type === 'audio')).toBeDefined();
    }
  });

  it('publishes a final playlist that passes hls-parser strict mode', () => {
    const text = packager.playlist([{ uri: '../360p/playlist.m3u8', lastMSN: 3, lastPart: 5 }])!;
    setOptions({ strictMode: true, silent: true });
    try {
      const playlist = parse(text) as MediaPlaylist;
      expect(playlist.endlist).toBe(true);
      expect(playlist.segments.map((s) => s.uri)).toEqual(['seg_00001.m4s', 'seg_00002.m4s', 'seg_00003.m4s']);
    } finally {
      setOptions({ strictMode: false, silent: false });
    }
  });

  it('reports when each part arrived against its media time (a figure, not a pass/fail)', () => {
    const parts = events('segment').flatMap((e) => e.segment.parts);
    const arrivalsMs = arrivals.filter((a) => a.event.kind === 'part').map((a) => a.atMs);
    let mediaEndMs = 0;
    const lags = parts.map((part, i) => {
      mediaEndMs += part.durationSeconds * 1000;
      return arrivalsMs[i]! - mediaEndMs;
    });
    const base = Math.min(...lags);
    console.log(`part arrival after its media end, relative to the earliest (ms): ${lags.map((lag) => Math.round(lag - base)).join(' ')}`);
    expect(lags).toHaveLength(arrivalsMs.length);
  });
});
