/**
 * live-glass-to-glass: real glass-to-glass latency of a live stream as a viewer gets it, on the whole `npm start`
 * stack (own ports +21000 and data dir, stopped afterwards): FFmpeg publishes 720p30 over RTMP in real time with the
 * wall clock of each frame drawn in as boxes (frame-stamp.ts); Debian's Chromium opens the input's watch page
 * (edge, CDN node, hls.js) before the publish, reads the boxes of every presented frame back and compares them with
 * its own clock (same machine, same clock). Per side: median and p95 over the stream, stalls per minute (`waiting`
 * after playback began), publish → the edge's playlists list something playable, publish → first frame shown.
 * Sides: a standard live input (2 s segments, goal ≤ 6 s) and a low-latency one (`latency: 'low'`, LL-HLS parts,
 * hls.js lowLatencyMode, goal < 3 s), and the standard input again with hls.js kept at its own target (3 segments
 * behind, the page before its standard-live target): the baseline of that target. Each a fresh input and page, same
 * source, order reversed every other round. Also: hls.js's own distance behind its live edge, and a publish timeline
 * read from the stack's logs (publish-timeline.ts).
 *   npm run bench -- live-glass-to-glass --seconds 120 --rounds 2     (--quick: 20 s, 1 round)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { jsonClient, type JsonClient } from '../cli/lib/api-client.ts';
import { formatTable } from '../cli/lib/table.ts';
import { LiveInputView, LiveInputWithKey, type LiveLatency } from '../contracts/live-inputs.ts';
import { shiftedPorts } from '../contracts/local-ports.ts';
import { PlaybackTokenAnswer } from '../contracts/videos.ts';
import { stackContext } from '../stack/component.ts';
import { localStack } from '../stack/local-stack.ts';
import { StackRunner } from '../stack/runner.ts';
import { loadOrCreateSecrets } from '../stack/secrets.ts';
import { decodeStamp, glassToGlassMs, stampFilter } from './lib/frame-stamp.ts';
import { loadNote } from './lib/machine.ts';
import { flagSetting, modeNote, quick } from './lib/options.ts';
import { median, percentile, writeResults, type BenchResult } from './lib/results.ts';
import { publishTimeline, type PublishTimeline } from './lib/publish-timeline.ts';
import { readerScript, type PageReadout } from './lib/stamp-reader-page.ts';

const seconds = flagSetting({ flag: 'seconds', env: 'BENCH_G2G_SECONDS' }, { full: 120, quick: 20 });
const rounds = flagSetting({ flag: 'rounds', env: 'BENCH_G2G_ROUNDS' }, { full: 2, quick: 1 });
const offset = Number(process.env.BENCH_G2G_PORT_OFFSET ?? 21000);
const CHROMIUM_PATH = '/usr/bin/chromium';
const FIRST_FRAME_TIMEOUT_MS = 120_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `standard-hlsjs`: the same standard input, its page's hls.js kept at its own target (3 target durations, the watch
 * page before issue 17's latency work) by ignoring the page's `hls.targetLatency = …`: the baseline of that change.
 */
type Mode = LiveLatency | 'standard-hlsjs';
const latencyOf = (mode: Mode): LiveLatency => (mode === 'low' ? 'low' : 'standard');
const MODES: Mode[] = ['standard', 'standard-hlsjs', 'low'];

/** Installed before the page's scripts: hls.js's class, its `targetLatency` setter a no-op. */
const HLSJS_OWN_TARGET_SCRIPT = `(() => {
  let wrapped;
  Object.defineProperty(globalThis, 'Hls', { configurable: true, get: () => wrapped, set(Real) {
    wrapped = class extends Real { get targetLatency() { return super.targetLatency; } set targetLatency(_ignored) {} };
  } });
})();`;

/** One side of one round: a fresh input, publisher and page. */
interface Side {
  mode: Mode;
  latenciesMs: number[];
  unreadable: number;
  stalls: number;
  /** Stalls that began within 10 s of playback starting (counted from the page's first `playing`). */
  startupStalls: number;
  stallMs: number;
  windowMs: number;
  edgePlayableMs: number | null;
  firstFrameMs: number;
  heights: Set<number>;
  lowLatency: string | null;
  engine: string | null;
  /** Where the time to the first segment went (standard ladder's log lines; low-latency logs fewer steps). */
  timeline: PublishTimeline | null;
  /** hls.js's distance behind the live edge it estimates, sampled each second of the window (its target + drift). */
  behindSeconds: number[];
}

/** The OBS stand-in: 720p30 test pattern with the stamp strip + a tone, x264 ultrafast zerolatency 2 s GOP, RTMP. */
function startPublisher(url: string, durationSeconds: number) {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-t', String(durationSeconds), '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-re', '-t', String(durationSeconds), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-vf', stampFilter(),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '60', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stderr: () => stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** How often the bench asks the edge whether the broadcast is listed: fine enough not to add 50 ms on average. */
const EDGE_POLL_MS = 25;

/** Publish → the edge answers the master and its first variant lists a segment or a part (polled every EDGE_POLL_MS, for 2 minutes at most). */
async function edgePlayableAfter(masterUrl: string, publishedAt: number, until: () => boolean): Promise<number | null> {
  for (let attempt = 0; attempt < 120_000 / EDGE_POLL_MS && until(); attempt += 1) {
    try {
      const master = await fetch(masterUrl, { signal: AbortSignal.timeout(5_000) });
      if (master.ok) {
        const variant = (await master.text()).split('\n').find((line) => line.trim() && !line.startsWith('#'));
        if (variant) {
          const media = await fetch(new URL(variant, masterUrl), { signal: AbortSignal.timeout(5_000) });
          const body = media.ok ? await media.text() : '';
          if (/^#EXT-X-PART:|^[^#\s].*\.m4s/m.test(body)) return Date.now() - publishedAt;
        }
      } else await master.body?.cancel();
    } catch {
      /* not up yet: polled again */
    }
    await sleep(EDGE_POLL_MS);
  }
  return null;
}

async function waitUntilOffAir(api: JsonClient, id: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const view = LiveInputView.parse(await api.request('GET', `/v1/live-inputs/${id}`));
    if (view.status === 'ended' || view.status === 'idle') return;
    await sleep(1_000);
  }
  say(`  (input ${id} still not off air after 60 s; going on)`);
}

async function runSide(api: JsonClient, browser: Browser, mode: Mode, logDir: string): Promise<Side> {
  const input = LiveInputWithKey.parse(await api.request('POST', '/v1/live-inputs', { title: `glass-to-glass ${mode}`, reconnectWindowSeconds: 0, recording: 'off', latency: latencyOf(mode) }));
  const playback = PlaybackTokenAnswer.parse(await api.request('POST', `/v1/live-inputs/${input.id}/token`, { ttlSeconds: 3600 }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  try {
    if (mode === 'standard-hlsjs') await context.addInitScript(HLSJS_OWN_TARGET_SCRIPT);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(playback.watchUrl);
    await page.waitForSelector('.player[data-waiting="offline"]', { timeout: 30_000 });
    await page.evaluate(readerScript());
    const drain = () => page.evaluate('window.__stampReader.drain()') as Promise<PageReadout>;

    const publishedAt = Date.now();
    const publisher = startPublisher(input.publishUrl, seconds + FIRST_FRAME_TIMEOUT_MS / 1000 + 30);
    const side: Side = { mode, latenciesMs: [], unreadable: 0, stalls: 0, startupStalls: 0, stallMs: 0, windowMs: 0, edgePlayableMs: null, firstFrameMs: NaN, heights: new Set(), lowLatency: null, engine: null, timeline: null, behindSeconds: [] };
    let measuring = true;
    const edgePlayable = edgePlayableAfter(playback.url, publishedAt, () => measuring);
    try {
      let windowStart: number | null = null;
      let stallsAtStart = 0;
      let stallMsAtStart = 0;
      while (windowStart === null || Date.now() - windowStart < seconds * 1000) {
        await sleep(1_000);
        if (!publisher.running()) throw new Error(`the publisher FFmpeg exited: ${publisher.stderr()}`);
        const readout = await drain();
        for (const frame of readout.frames) {
          const stamp = decodeStamp(frame.lumas);
          if (stamp === null) {
            if (windowStart !== null) side.unreadable += 1;
            continue;
          }
          if (windowStart === null) {
            windowStart = frame.at;
            side.firstFrameMs = frame.at - publishedAt;
            stallsAtStart = readout.stalls;
            stallMsAtStart = readout.stallMs;
          }
          side.latenciesMs.push(glassToGlassMs(frame.at, stamp));
          side.heights.add(frame.height);
        }
        side.stalls = readout.stalls - stallsAtStart;
        side.stallMs = readout.stallMs - stallMsAtStart;
        side.startupStalls = readout.startupStalls;
        side.lowLatency = readout.lowLatency;
        side.engine = readout.engine;
        if (windowStart !== null && readout.behindSeconds !== null) side.behindSeconds.push(readout.behindSeconds);
        if (windowStart === null && Date.now() - publishedAt > FIRST_FRAME_TIMEOUT_MS) {
          const status = await page.evaluate(`document.getElementById('player-status').textContent`);
          throw new Error(`no stamped frame shown ${FIRST_FRAME_TIMEOUT_MS / 1000} s after the publish (page status ${JSON.stringify(status)}, errors ${JSON.stringify(pageErrors)})`);
        }
        if (windowStart !== null) side.windowMs = Date.now() - windowStart;
      }
    } finally {
      measuring = false;
      side.edgePlayableMs = await edgePlayable;
      await publisher.stop();
    }
    await waitUntilOffAir(api, input.id);
    const logLines = (await Promise.all(['origin', 'transcoder'].map((name) => readFile(join(logDir, `${name}.log`), 'utf8').catch(() => '')))).join('\n').split('\n');
    side.timeline = publishTimeline(logLines, input.id, publishedAt);
    if (pageErrors.length > 0) say(`  page errors (${mode}): ${pageErrors.slice(0, 3).join(' | ')}`);
    return side;
  } finally {
    await context.close();
  }
}

// ── run ──
if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: \`npm run provision\` installs Debian's chromium`);
const home = await mkdtemp(join(tmpdir(), 'vora-bench-g2g-'));
const ctx = stackContext(shiftedPorts(offset), await loadOrCreateSecrets(home, {}), home);
const runner = new StackRunner(localStack(ctx), ctx.logDir);
const sides: Side[] = [];
let browser: Browser | undefined;
say(`live-glass-to-glass: ${rounds} round(s) of standard and low-latency input, ${seconds} s measured each (ports +${offset}, data in ${home})`);
try {
  const began = performance.now();
  await runner.start();
  say(`  stack ready in ${((performance.now() - began) / 1000).toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)}`);
  const api = jsonClient({ baseUrl: `http://127.0.0.1:${ctx.ports.origin}`, token: ctx.secrets.apiToken, name: 'the origin', tokenHint: "the benchmark stack's own secrets.json", timeoutMs: 15_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, timeout: 60_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'] });
  for (let round = 0; round < rounds; round += 1) {
    const order: Mode[] = round % 2 === 0 ? MODES : [...MODES].reverse();
    for (const mode of order) {
      const side = await runSide(api, browser, mode, ctx.logDir);
      sides.push(side);
      say(`  round ${round + 1} ${mode}: median ${median(side.latenciesMs).toFixed(0)} ms over ${side.latenciesMs.length} frames, ${side.stalls} stalls (${side.startupStalls} in the first 10 s), first frame ${side.firstFrameMs} ms after the publish, load ${loadavg()[0]!.toFixed(1)}`);
    }
  }
} finally {
  await browser?.close();
  await runner.stop();
  await rm(home, { recursive: true, force: true });
}

// ── report ──
interface Summary {
  p50: number;
  p95: number;
  stallsPerMinute: number;
  startupStalls: number;
  edgePlayableMs: number;
  firstFrameMs: number;
  samples: number;
  unreadable: number;
  roundMedians: string;
  heights: string;
  lowLatency: string;
  engine: string;
  behindSeconds: number;
}
function summarise(mode: Mode): Summary {
  const mine = sides.filter((side) => side.mode === mode);
  const all = mine.flatMap((side) => side.latenciesMs).sort((a, b) => a - b);
  const minutes = mine.reduce((sum, side) => sum + side.windowMs, 0) / 60_000;
  return {
    p50: median(all),
    p95: percentile(all, 95),
    stallsPerMinute: minutes > 0 ? mine.reduce((sum, side) => sum + side.stalls, 0) / minutes : NaN,
    startupStalls: mine.reduce((sum, side) => sum + side.startupStalls, 0),
    edgePlayableMs: median(mine.map((side) => side.edgePlayableMs ?? NaN).filter(Number.isFinite)),
    firstFrameMs: median(mine.map((side) => side.firstFrameMs)),
    samples: all.length,
    unreadable: mine.reduce((sum, side) => sum + side.unreadable, 0),
    roundMedians: mine.map((side) => median(side.latenciesMs).toFixed(0)).join(' '),
    heights: [...new Set(mine.flatMap((side) => [...side.heights]))].sort((a, b) => a - b).map((h) => `${h}p`).join('+'),
    lowLatency: [...new Set(mine.map((side) => side.lowLatency ?? '?'))].join('/'),
    engine: [...new Set(mine.map((side) => side.engine ?? '?'))].join('/'),
    behindSeconds: median(mine.flatMap((side) => side.behindSeconds)),
  };
}
const standard = summarise('standard');
const standardHlsjs = summarise('standard-hlsjs');
const low = summarise('low');
const ms = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(2)} s` : '—');
say('');
say(formatTable(
  ['input', 'glass-to-glass p50', 'p95', 'stalls/min', 'stalls in the first 10 s', 'publish → edge playable', 'publish → first frame', 'hls.js behind its live edge', 'frames read (unreadable)', 'renditions', 'hls.js lowLatencyMode', 'round medians (ms)'],
  [standard, standardHlsjs, low].map((s, i) => [['standard', "standard, hls.js's own target (before)", 'low-latency'][i]!, ms(s.p50), ms(s.p95), s.stallsPerMinute.toFixed(2), String(s.startupStalls), ms(s.edgePlayableMs), ms(s.firstFrameMs), `${s.behindSeconds.toFixed(1)} s`, `${s.samples} (${s.unreadable})`, s.heights, `${s.lowLatency} (${s.engine})`, s.roundMedians]),
));
say(`${rounds} round(s) × ${seconds} s per side, order alternating; ${loadNote()}${quick ? '; QUICK mode' : ''}`);

// Where publish → edge playable goes: each step's median over the rounds, ms after the publisher was spawned.
const steps: [keyof PublishTimeline, string][] = [
  ['hookMs', "origin's on_publish hook (time in it)"], ['authorized', 'on_publish answered'], ['ladderStarted', 'ladder FFmpeg spawned'],
  ['encoding', 'ladder input opened, encoding'], ['firstSegmentStored', 'first segment + playlists in MinIO'],
];
const stepMedian = (latency: LiveLatency, step: keyof PublishTimeline) => median(sides.filter((side) => latencyOf(side.mode) === latency).map((side) => side.timeline?.[step] ?? NaN).filter(Number.isFinite));
say('');
say(formatTable(['publish timeline (median ms)', 'standard (both sides)', 'low-latency'], [
  ...steps.map(([step, label]) => [label, ...(['standard', 'low'] as const).map((mode) => (Number.isFinite(stepMedian(mode, step)) ? stepMedian(mode, step).toFixed(0) : '—'))]),
  [`edge lists it (bench poll, ${EDGE_POLL_MS} ms)`, median([...sides.filter((side) => side.mode !== 'low').map((side) => side.edgePlayableMs ?? NaN).filter(Number.isFinite)]).toFixed(0), low.edgePlayableMs.toFixed(0)],
]));

const notes = (s: Summary, extra = '') => [extra, `${s.samples} frames read over ${rounds} × ${seconds} s (${s.unreadable} unreadable), round medians ${s.roundMedians} ms, renditions ${s.heights}, hls.js lowLatencyMode ${s.lowLatency}`, '720p30 testsrc2 stamped with the wall clock, x264 ultrafast zerolatency 2 s GOP over RTMP; whole npm start stack, Chromium watch page', modeNote].filter(Boolean).join('; ');
const results: BenchResult[] = [
  { name: 'live-g2g-standard-p50', value: standard.p50, unit: 'ms', better: 'lower', baseline: "the same standard input, hls.js at its own target (3 segments), same run", baselineValue: standardHlsjs.p50, goal: { text: '≤ 6 s (issue 17)', valueAtMost: 6000 }, notes: notes(standard) },
  { name: 'live-g2g-standard-p95', value: standard.p95, unit: 'ms', better: 'lower', baseline: "the same standard input, hls.js at its own target (3 segments), same run", baselineValue: standardHlsjs.p95, goal: {}, notes: notes(standard) },
  { name: 'live-g2g-low-p50', value: low.p50, unit: 'ms', better: 'lower', baseline: 'standard live input, same stack and source (alternating)', baselineValue: standard.p50, goal: { text: '< 3 s (issue 24)', valueAtMost: 3000 }, notes: notes(low) },
  { name: 'live-g2g-low-p95', value: low.p95, unit: 'ms', better: 'lower', baseline: 'standard live input, same stack and source (alternating)', baselineValue: standard.p95, goal: {}, notes: notes(low) },
  { name: 'live-stalls-per-minute-standard', value: standard.stallsPerMinute, unit: 'stalls/min', better: 'lower', baseline: "the same standard input, hls.js at its own target (3 segments), same run", baselineValue: standardHlsjs.stallsPerMinute, goal: {}, notes: notes(standard, '`waiting` events after playback began') },
  { name: 'live-stalls-per-minute-low', value: low.stallsPerMinute, unit: 'stalls/min', better: 'lower', baseline: 'standard live input, same run', baselineValue: standard.stallsPerMinute, goal: {}, notes: notes(low, '`waiting` events after playback began') },
  { name: 'live-publish-to-edge-playable-standard', value: standard.edgePlayableMs, unit: 'ms', better: 'lower', baseline: 'low-latency input, same run', baselineValue: low.edgePlayableMs, goal: { text: '≤ 4 s (issue 17)', valueAtMost: 4000 }, notes: notes(standard, 'FFmpeg spawned → the edge answers the master and its first variant lists a segment or part') },
  { name: 'live-publish-to-edge-playable-low', value: low.edgePlayableMs, unit: 'ms', better: 'lower', baseline: 'standard live input, same run', baselineValue: standard.edgePlayableMs, goal: {}, notes: notes(low, 'FFmpeg spawned → the edge answers the master and its first variant lists a segment or part') },
  { name: 'live-publish-to-first-frame-standard', value: standard.firstFrameMs, unit: 'ms', better: 'lower', baseline: 'low-latency input, same run', baselineValue: low.firstFrameMs, goal: {}, notes: notes(standard, 'FFmpeg spawned → first stamped frame presented on the waiting watch page') },
  { name: 'live-publish-to-first-frame-low', value: low.firstFrameMs, unit: 'ms', better: 'lower', baseline: 'standard live input, same run', baselineValue: standard.firstFrameMs, goal: {}, notes: notes(low, 'FFmpeg spawned → first stamped frame presented on the waiting watch page') },
];
await writeResults('live-glass-to-glass', results);
