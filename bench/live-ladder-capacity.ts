// How many live 720p ladders this box runs at once in real time (live-ladders-sustained, live-ladder-cpu-per-ladder).
// Run: npm run bench -- live-ladder-capacity        (node --import tsx bench/live-ladder-capacity.ts [seconds per step])
//
// One 720p30 source (testsrc2 + tone, x264 ultrafast, 2 s GOP, as OBS would send it) is made once; then for N = 1, 2,
// 3 … N feeders send it in real time (`-re`, stream copy: next to no CPU) each into its own ladder exactly as the
// `vora-live` activity runs it (liveLadderArgs: 720p + 360p, x264 veryfast zerolatency, fMP4). A step holds when
// every ladder keeps real time: its encoding speed (output media seconds per wall second from `-progress`, after a
// 5 s warm-up) ≥ 0.98 and its 360p segments' lag (listed − source start − segment end) grows by < 1 s from the first
// third of the step to the last. The answer is the largest N that holds; N = 1 is the baseline of the CPU per ladder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatTable } from '../cli/lib/table.ts';
import { LIVE_LADDER } from '../contracts/live.ts';
import { liveLadderArgs } from '../transcoder/src/live/live-ladder-args.ts';
import { loadNote } from './lib/machine.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { boxCpuTimes, idlePercentBetween } from './lib/process.ts';
import { segmentLagsMs, watchLadder } from './lib/ladder-watch.ts';
import { median, writeResults } from './lib/results.ts';

const stepSeconds = numberSetting({ env: 'BENCH_LIVE_CAPACITY_SECONDS', position: 0 }, { full: 40, quick: 10 });
const maxLadders = numberSetting({ env: 'BENCH_LIVE_CAPACITY_MAX', position: 1 }, { full: 6, quick: 2 });
const preset = 'veryfast';
const WARMUP_MS = 5_000;
const MIN_SPEED = 0.98;
const MAX_LAG_GROWTH_MS = 1_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The streamer's 720p30 H.264/AAC source, made once (not in real time), MPEG-TS. */
async function makeSource(path: string, seconds: number): Promise<void> {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-b:v', '4M', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', path,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  if ((await exitOf(child)) !== 0) throw new Error('ffmpeg could not make the 720p30 source');
}

interface LadderRun {
  cpuMs: number;
  wallMs: number;
  speed: number;
  lagGrowthMs: number;
  segments: number;
}

/** One feeder → ladder pair for the step; resolves once the source has been sent and the ladder exited. */
async function runLadder(source: string, outDir: string): Promise<LadderRun> {
  for (const rung of LIVE_LADDER) await mkdir(join(outDir, rung.name), { recursive: true });
  const startedAt = Date.now();
  // FLV as the ingest relays it: an MPEG-TS pipe makes FFmpeg probe 5 s before it encodes, a backlog it then catches up.
  const feeder = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ladder = spawn('ffmpeg', liveLadderArgs({ pullUrl: 'pipe:0', outDir, rungs: LIVE_LADDER, startNumber: 1, x264Preset: preset }), { stdio: ['pipe', 'pipe', 'inherit'] });
  feeder.stdout!.pipe(ladder.stdin!);
  ladder.stdin!.on('error', () => {}); // the ladder gone first: its exit code says why
  // `-progress pipe:1`: media seconds encoded, sampled with the wall clock.
  const progress: { at: number; outSeconds: number }[] = [];
  createInterface({ input: ladder.stdout! }).on('line', (line) => {
    const match = /^out_time_(?:us|ms)=(\d+)/.exec(line);
    if (match) progress.push({ at: Date.now(), outSeconds: Number(match[1]) / 1e6 });
  });
  const { cpuMs, cpuReadAt, listed, exitCode } = await watchLadder(ladder, join(outDir, '360p', 'playlist.m3u8'), startedAt, 100);
  await exitOf(feeder);
  if (exitCode !== 0) throw new Error(`a ladder FFmpeg exited with ${exitCode}`);
  const lags = segmentLagsMs(listed, startedAt);
  const third = Math.max(1, Math.floor(lags.length / 3));
  const warm = progress.find((sample) => sample.at - startedAt >= WARMUP_MS);
  const last = progress.at(-1);
  const speed = warm && last && last.at > warm.at ? (last.outSeconds - warm.outSeconds) / ((last.at - warm.at) / 1000) : NaN;
  return { cpuMs, wallMs: cpuReadAt - startedAt, speed, lagGrowthMs: median(lags.slice(-third)) - median(lags.slice(0, third)), segments: listed.size };
}

interface Step {
  ladders: number;
  runs: LadderRun[];
  holds: boolean;
  load: number;
  /** Share of the box's CPU time (all cores) nobody used during the step: near 0 with a failing step = CPU-bound. */
  idlePercent: number;
}

const work = await mkdtemp(join(tmpdir(), 'vora-bench-live-capacity-'));
const steps: Step[] = [];
try {
  const source = join(work, 'source.ts');
  await makeSource(source, stepSeconds);
  say(`live-ladder-capacity: ${stepSeconds} s of 720p30 per ladder and step, N = 1 … ${maxLadders} until one does not hold; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}`);
  for (let ladders = 1; ladders <= maxLadders; ladders += 1) {
    const before = await boxCpuTimes();
    const runs = await Promise.all(Array.from({ length: ladders }, (_, index) => runLadder(source, join(work, `n${ladders}-${index}`))));
    const after = await boxCpuTimes();
    const holds = runs.every((run) => run.speed >= MIN_SPEED && run.lagGrowthMs < MAX_LAG_GROWTH_MS);
    steps.push({ ladders, runs, holds, load: loadavg()[0]!, idlePercent: idlePercentBetween(before, after) });
    const cpu = runs.map((run) => (run.cpuMs / run.wallMs) * 100);
    say(`  N=${ladders}: ${holds ? 'holds' : 'does NOT hold'} — speed min ${Math.min(...runs.map((run) => run.speed)).toFixed(3)}×, lag growth max ${Math.max(...runs.map((run) => run.lagGrowthMs)).toFixed(0)} ms, CPU per ladder ${median(cpu).toFixed(0)} % of a core, box idle ${steps.at(-1)!.idlePercent.toFixed(0)} %, load ${loadavg()[0]!.toFixed(1)}`);
    if (!holds) break;
    await sleep(3_000);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

// ── report ──
const perLadder = (step: Step) => median(step.runs.map((run) => (run.cpuMs / run.wallMs) * 100));
say('');
say(formatTable(['ladders', 'real time', 'speed (min)', 'lag growth (max)', 'CPU per ladder', 'CPU all ladders', 'box idle', 'load 1-min'], steps.map((step) => [
  String(step.ladders), step.holds ? 'yes' : 'no',
  `${Math.min(...step.runs.map((run) => run.speed)).toFixed(3)}×`, `${Math.max(...step.runs.map((run) => run.lagGrowthMs)).toFixed(0)} ms`,
  `${perLadder(step).toFixed(0)} %`, `${step.runs.reduce((sum, run) => sum + (run.cpuMs / run.wallMs) * 100, 0).toFixed(0)} %`, `${step.idlePercent.toFixed(0)} %`, step.load.toFixed(1),
])));
const sustained = steps.filter((step) => step.holds).at(-1)?.ladders ?? 0;
const capped = steps.every((step) => step.holds);
say(`sustained: ${sustained}${capped ? ` (every step held: the cap ${maxLadders}, not the box, stopped it)` : ''}; ${loadNote()}${quick ? '; QUICK mode' : ''}`);

const one = steps[0];
const notes = [
  `N ladders fed 720p30 testsrc2 in real time (stream copy), x264 ${preset} zerolatency 720p + 360p; holds = speed ≥ ${MIN_SPEED} and 360p lag growth < ${MAX_LAG_GROWTH_MS} ms for every ladder`,
  `steps ${steps.map((step) => `${step.ladders}:${step.holds ? 'ok' : 'no'}@${perLadder(step).toFixed(0)}%/idle ${step.idlePercent.toFixed(0)}%`).join(' ')}`,
  'testsrc2 is easier to encode than camera video: a real stream costs more CPU per ladder', modeNote,
].filter(Boolean).join('; ');
await writeResults('live-ladder-capacity', [
  {
    name: 'live-ladders-sustained', value: sustained, unit: 'ladders', better: 'higher',
    baseline: `cores ÷ CPU share of one ladder alone (${availableParallelism()} cores)`, baselineValue: one ? Math.floor((availableParallelism() * 100) / perLadder(one)) : null,
    goal: { text: 'reported (issue 17)' }, notes,
  },
  {
    name: 'live-ladder-cpu-per-ladder', value: one ? perLadder(one) : NaN, unit: '% of a core', better: 'lower',
    baseline: `the same ladder with ${sustained} running`, baselineValue: steps.find((step) => step.ladders === sustained) ? perLadder(steps.find((step) => step.ladders === sustained)!) : null,
    goal: { text: 'reported (issue 17)' }, notes,
  },
]);
