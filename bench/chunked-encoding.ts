/**
 * READY for a 5 min 1080p source (upload finished → READY, DB times): one single pass on one worker, against the same
 * source in 64 s chunks on one worker process and on two. Every worker is its own process with one ladder slot; CPU
 * seconds cover them, their FFmpeg children, MinIO and Temporal. One round each by default (each is minutes long).
 * Run: node --import tsx bench/chunked-encoding.ts [seconds=300] [rounds=1]   (BENCH_CHUNK_SECONDS, BENCH_CHUNK_ROUNDS; --quick: 24 s in 8 s chunks)
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { startTranscode } from '../origin/src/workflow/start-transcode.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { startListening, stopProcess } from './lib/process.ts';
import { writeResults } from './lib/results.ts';
import { cpuSeconds, makeBenchClip, percentiles, processingMs, putRaw, startTranscodeBench, type TranscodeBench, uploadedVideo } from './lib/transcode-bench.ts';

const seconds = numberSetting({ env: 'BENCH_CHUNK_SECONDS', position: 0 }, { full: 300, quick: 24 });
const rounds = numberSetting({ env: 'BENCH_CHUNK_ROUNDS', position: 1 }, { full: 1, quick: 1 });
const chunkSeconds = quick ? 8 : 64;
const sourceKey = 'bench/chunked.mp4';
const suffix = Date.now().toString(36);

interface Mode {
  label: string;
  workers: number;
  chunkSeconds: number;
}

async function readyWith(bench: TranscodeBench, mode: Mode, round: number): Promise<{ wallMs: number; cpuS: number }> {
  const workers: ChildProcess[] = [];
  try {
    for (let index = 0; index < mode.workers; index += 1) {
      const env = { ...bench.transcoderEnv, TRANSCODE_LADDER_SLOTS: '1', TEMPORAL_WORKER_IDENTITY: `bench-worker-${index}` };
      workers.push((await startListening(join(import.meta.dirname, 'servers', 'transcode-worker.ts'), [], env)).child);
    }
    const pids = workers.map((worker) => worker.pid!);
    const cpuBefore = await cpuSeconds(bench.serverPids, pids);
    const videoId = `vid_chunks_${mode.workers}_${mode.chunkSeconds}_${round}_${suffix}`;
    await uploadedVideo(bench.sql, videoId);
    const { handle } = await startTranscode(bench.client, { videoId, sourceKey, chunkSeconds: mode.chunkSeconds });
    await handle.result();
    const cpuS = (await cpuSeconds(bench.serverPids, pids)) - cpuBefore;
    return { wallMs: await processingMs(bench.sql, videoId, 'ready_at', 1_000), cpuS };
  } finally {
    for (const worker of workers) await stopProcess(worker, 30_000);
  }
}

async function main(): Promise<void> {
  const bench = await startTranscodeBench(13500);
  try {
    const clip = join(bench.dataDir, 'clip.mp4');
    await makeBenchClip(clip, seconds, 'standard');
    await putRaw(bench.s3, sourceKey, clip);
    const modes: Mode[] = [
      { label: 'single pass, 1 worker', workers: 1, chunkSeconds: 0 },
      { label: `${chunkSeconds} s chunks, 1 worker`, workers: 1, chunkSeconds },
      { label: `${chunkSeconds} s chunks, 2 workers`, workers: 2, chunkSeconds },
    ];
    const loadAtStart = loadavg()[0]!;
    const samples = modes.map(() => [] as { wallMs: number; cpuS: number }[]);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? modes.map((_, i) => i) : modes.map((_, i) => modes.length - 1 - i);
      for (const index of order) samples[index]!.push(await readyWith(bench, modes[index]!, round));
    }
    const loadAtEnd = loadavg()[0]!;
    const median = (index: number, field: 'wallMs' | 'cpuS') => percentiles(samples[index]!.map((sample) => sample[field])).median;
    const s = (ms: number) => (ms / 1000).toFixed(1);
    const cores = availableParallelism();
    console.log(`\n${seconds} s 1920x1080 standard clip → READY, ${rounds} round(s), ${cores} cores, load 1-min ${loadAtStart.toFixed(1)}→${loadAtEnd.toFixed(1)}\n`);
    console.log(formatTable(['mode', 'wall s', 'CPU s', 'wall ÷ single pass'], modes.map((mode, index) => [mode.label, s(median(index, 'wallMs')), median(index, 'cpuS').toFixed(1), (median(index, 'wallMs') / median(0, 'wallMs')).toFixed(2)])));
    const note = [`${seconds} s 1920x1080 standard clip, ladder 360p+720p+1080p, ${chunkSeconds} s chunks, ${cores} cores, every worker its own process with one ladder slot, ${rounds} round(s); CPU single ${median(0, 'cpuS').toFixed(1)} s, chunked×1 ${median(1, 'cpuS').toFixed(1)} s, chunked×2 ${median(2, 'cpuS').toFixed(1)} s; load 1-min ${loadAtStart.toFixed(1)}→${loadAtEnd.toFixed(1)}`, modeNote].filter(Boolean).join('; ');
    await writeResults('chunked-encoding', [
      { name: 'chunked-1-worker', value: Math.round(median(1, 'wallMs')), unit: 'ms', baseline: 'single pass, same worker count', baselineValue: Math.round(median(0, 'wallMs')), better: 'lower', goal: { text: 'no slower than the single pass (≤ 1.1×)', ratioAtMost: 1.1 }, notes: note },
      { name: 'chunked-2-workers', value: Math.round(median(2, 'wallMs')), unit: 'ms', baseline: 'single pass on 1 worker', baselineValue: Math.round(median(0, 'wallMs')), better: 'lower', goal: { text: `faster than the single pass (ratio < 1) with 2 worker processes on ${cores} cores`, ratioAtMost: 0.999 }, notes: note },
    ]);
  } finally {
    await bench.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
