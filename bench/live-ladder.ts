// The live ladder's segment lag and CPU (live-segment-lag, live-glass-to-glass-estimate, live-ladder-cpu).
// Run: node --import tsx bench/live-ladder.ts [seconds of stream]
//
// A publisher FFmpeg makes 720p30 in real time (-re, as OBS would) and pipes it as MPEG-TS into the live ladder
// exactly as the activity runs it (liveLadderArgs: 720p + 360p, x264 veryfast zerolatency, 2 s key frames, fMP4).
// Its playlist is polled every 50 ms: a segment's lag is the moment it is listed minus the moment its last frame
// was made (publisher start + the segment's end on the media timeline, an upper bound: the publisher starts late).
// The baseline is the trial's bare ladder command (one HLS muxer with var_stream_map) on the same input.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_LADDER, LIVE_SEGMENT_SECONDS } from '../contracts/live.ts';
import { liveLadderArgs } from '../transcoder/src/live/live-ladder-args.ts';
import { segmentLagsMs, watchLadder } from './lib/ladder-watch.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { median, percentile, writeResults } from './lib/results.ts';

const seconds = numberSetting({ env: 'BENCH_LIVE_SECONDS', position: 0 }, { full: 60, quick: 8 });
const preset = 'veryfast';

/** The publisher: 720p30 test pattern + tone, made in real time, x264 ultrafast 2 s GOP, MPEG-TS on stdout. */
function startPublisher(): ChildProcess {
  return spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-t', String(seconds), '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-re', '-t', String(seconds), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The trial's bare command (issue 17): one muxer, var_stream_map, the same encoder settings. */
function bareLadderArgs(outDir: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning', '-i', 'pipe:0',
    '-filter_complex', '[0:v]split=2[a][b];[a]scale=-2:720[v0];[b]scale=-2:360[v1]',
    '-map', '[v0]', '-map', '[v1]', '-map', '0:a', '-map', '0:a',
    '-c:v', 'libx264', '-preset', preset, '-tune', 'zerolatency', '-sc_threshold', '0',
    '-force_key_frames', 'expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t,1.99))',
    '-b:v:0', '2500k', '-b:v:1', '800k', '-c:a', 'aac', '-b:a', '96k',
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4', '-start_number', '1',
    '-hls_flags', 'independent_segments+omit_endlist',
    '-hls_segment_filename', `${outDir}/%v/seg_%05d.m4s`, '-var_stream_map', 'v:0,a:0,name:720p v:1,a:1,name:360p', `${outDir}/%v/playlist.m3u8`,
  ];
}

interface Run {
  lagsMs: number[];
  cpuShare: number;
  segments: number;
}

/** Publisher → ladder for `seconds`; lags of the 360p playlist's segments and the ladder's CPU share of one core. */
async function runLadder(args: (outDir: string) => string[]): Promise<Run> {
  const outDir = await mkdtemp(join(tmpdir(), 'vora-bench-live-'));
  for (const rung of LIVE_LADDER) await mkdir(join(outDir, rung.name), { recursive: true });
  const publisher = startPublisher();
  const startedAt = Date.now();
  const ladder = spawn('ffmpeg', args(outDir), { stdio: ['pipe', 'ignore', 'inherit'] });
  publisher.stdout!.pipe(ladder.stdin!);
  const { cpuMs, cpuReadAt, listed } = await watchLadder(ladder, join(outDir, '360p', 'playlist.m3u8'), startedAt, 50);
  await rm(outDir, { recursive: true, force: true });
  const lagsMs = segmentLagsMs(listed, startedAt);
  return { lagsMs, cpuShare: cpuMs / (cpuReadAt - startedAt), segments: listed.size };
}

// Alternate the two sides so neither always meets the machine in the same state.
const vora = await runLadder((outDir) => liveLadderArgs({ pullUrl: 'pipe:0', outDir, rungs: LIVE_LADDER, startNumber: 1, x264Preset: preset }));
const bare = await runLadder(bareLadderArgs);
const sorted = [...vora.lagsMs].sort((a, b) => a - b);
const lagMedian = median(vora.lagsMs);
const lagP95 = percentile(sorted, 95);
// A frame waits on average half a segment for its segment to close; hls.js starts 3 target durations behind the
// newest segment; the gateway's and nodes' max-age=1 adds up to 1 s (0.5 s on average).
const holdbackMs = 3 * LIVE_SEGMENT_SECONDS * 1000;
const glassEstimate = lagMedian + (LIVE_SEGMENT_SECONDS * 1000) / 2 + holdbackMs + 500;
const ladders = Math.floor(availableParallelism() / vora.cpuShare);
console.log(`vora ladder: ${vora.segments} segments, lag median ${lagMedian.toFixed(0)} ms p95 ${lagP95.toFixed(0)} ms, CPU ${(vora.cpuShare * 100).toFixed(0)} % of a core; bare: lag median ${median(bare.lagsMs).toFixed(0)} ms, CPU ${(bare.cpuShare * 100).toFixed(0)} %`);

const notes = (extra: string) => [extra, `${seconds} s of 720p30 made in real time, piped as MPEG-TS; x264 ${preset} zerolatency`, modeNote].filter(Boolean).join('; ');
await writeResults('live-ladder', [
  {
    name: 'live-segment-lag', value: lagMedian, unit: 'ms', better: 'lower',
    baseline: "the trial's bare FFmpeg ladder (var_stream_map), same input", baselineValue: median(bare.lagsMs),
    goal: { text: 'segment listed ≤ 1 s after its last frame was made', valueAtMost: 1000 },
    notes: notes(`median over ${vora.lagsMs.length} segments, p95 ${lagP95.toFixed(0)} ms (publisher start taken as capture start: an upper bound)`),
  },
  {
    name: 'live-glass-to-glass-estimate', value: glassEstimate, unit: 'ms', better: 'lower',
    baseline: 'none (Mux standard latency 25–30 s)', baselineValue: null,
    goal: { text: '≤ 6 s with 2 s segments (issue 17)', valueAtMost: 6000 },
    notes: notes(`median segment lag + 1 s (half a segment) + 6 s hls.js holdback (3 target durations) + 0.5 s playlist max-age; with liveSyncDurationCount=2 it is 2 s less; RTMP relay, MinIO, gateway and edge not in it`),
  },
  {
    name: 'live-ladder-cpu', value: vora.cpuShare * 100, unit: '% of a core', better: 'lower',
    baseline: "the trial's bare FFmpeg ladder (var_stream_map), same input", baselineValue: bare.cpuShare * 100,
    goal: { text: 'no more CPU than the bare ladder (ratio ≤ 1.1)', ratioAtMost: 1.1 },
    notes: notes(`720p + 360p from 720p30; about ${ladders} concurrent ladders on ${availableParallelism()} cores with nothing else running`),
  },
]);
