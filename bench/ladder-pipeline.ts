/**
 * The whole pipeline for READY (upload finished → READY: probe, `src` copy and upload, the single pass with uploads
 * while encoding, origin activities on PGlite, Temporal bookkeeping) against one bare FFmpeg command making the same
 * ladder and previews from the same presigned input to local disk. Alternating sides, median of ≥ 3 rounds, wall
 * and CPU seconds (this process and its FFmpeg children, plus MinIO and Temporal: both sides read from MinIO).
 * Both FFmpeg runs at the ladder's niceness, so other tenants of a shared box weigh on both alike.
 * Then, once: the single-decode ladder against one FFmpeg per rendition (CPU seconds).
 * Run: node --import tsx bench/ladder-pipeline.ts [seconds=60] [rounds=3]   (BENCH_LADDER_SECONDS, BENCH_LADDER_ROUNDS; --quick: 4 s, 1 round)
 */
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../cli/lib/table.ts';
import { ladderArgs } from '../transcoder/src/ffmpeg/ladder-args.ts';
import { runFfmpeg } from '../transcoder/src/ffmpeg/run-ffmpeg.ts';
import { planLadder, type RenditionPlan } from '../transcoder/src/ladder/plan-ladder.ts';
import { storyboardLayout } from '../transcoder/src/media/storyboard.ts';
import { createTranscoderStorage } from '../transcoder/src/storage/s3-client.ts';
import { startTranscode } from '../origin/src/workflow/start-transcode.ts';
import { modeNote, numberSetting } from './lib/options.ts';
import { writeResults } from './lib/results.ts';
import { cpuSeconds, makeBenchClip, percentiles, processingMs, putRaw, startTranscodeBench, uploadedVideo, type TranscodeBench } from './lib/transcode-bench.ts';

const seconds = numberSetting({ env: 'BENCH_LADDER_SECONDS', position: 0 }, { full: 60, quick: 4 });
const rounds = numberSetting({ env: 'BENCH_LADDER_ROUNDS', position: 1 }, { full: 3, quick: 1 });
const suffix = Date.now().toString(36);
const sourceKey = 'bench/ladder.mp4';

interface Sample {
  wallMs: number;
  cpuS: number;
}

/** Measures `work`: wall time (or the figure it returns) and CPU seconds of this process tree and the servers. */
async function measured(bench: TranscodeBench, work: () => Promise<number | void>): Promise<Sample> {
  const cpuBefore = await cpuSeconds(bench.serverPids);
  const startedAt = Date.now();
  const reported = await work();
  const wallMs = typeof reported === 'number' ? reported : Date.now() - startedAt;
  return { wallMs, cpuS: (await cpuSeconds(bench.serverPids)) - cpuBefore };
}

async function main(): Promise<void> {
  const bench = await startTranscodeBench(13300);
  try {
    const clip = join(bench.dataDir, 'clip.mp4');
    await makeBenchClip(clip, seconds, 'standard');
    await putRaw(bench.s3, sourceKey, clip);
    await bench.startTranscoder();
    const { config } = bench;
    const plan = planLadder({ width: 1920, height: 1080, frameRate: 30, hasAudio: true });
    const storage = createTranscoderStorage(config.s3);
    const source = { input: storage.presignRaw(sourceKey, 3600), protocols: ['http', 'https', 'tcp', 'tls'], remote: true };
    const bare = async (renditions: RenditionPlan[], name: string, withPreviews: boolean) => {
      const outputDir = join(bench.dataDir, 'bare', name);
      await rm(outputDir, { recursive: true, force: true });
      for (const rendition of renditions) await mkdir(join(outputDir, rendition.name), { recursive: true });
      const previews = withPreviews
        ? { durationSeconds: seconds, layout: storyboardLayout(seconds, 1920, 1080), thumbnailHeight: 720, thumbnailPath: join(outputDir, 'thumbnail.jpg'), storyboardPath: join(outputDir, 'storyboard.jpg') }
        : undefined;
      const args = ladderArgs({ source, plan, renditions, outputDir, preset: config.ffmpeg.x264Preset, previews });
      const result = await runFfmpeg({ ffmpegPath: config.ffmpeg.path, args, niceness: config.ffmpeg.ladderNiceness });
      if (result.kind !== 'exited' || result.exitCode !== 0) throw new Error(`bare FFmpeg failed: ${JSON.stringify(result)}`);
    };
    const pipeline = async (round: number) => {
      const videoId = `vid_bench_ladder_${round}_${suffix}`;
      await uploadedVideo(bench.sql, videoId);
      const { handle } = await startTranscode(bench.client, { videoId, sourceKey });
      await handle.result();
      return processingMs(bench.sql, videoId, 'ready_at', 1_000);
    };

    const loadAtStart = loadavg()[0]!;
    const pipelineSamples: Sample[] = [];
    const bareSamples: Sample[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which side goes first, so a trend in the machine's load weighs on both.
      const sides = [
        async () => pipelineSamples.push(await measured(bench, () => pipeline(round))),
        async () => bareSamples.push(await measured(bench, () => bare(plan.renditions, 'ladder', true))),
      ];
      for (const side of round % 2 === 0 ? sides : sides.reverse()) await side();
    }
    const single = await measured(bench, () => bare(plan.renditions, 'single', false));
    const perRendition: Sample[] = [];
    for (const rendition of plan.renditions) perRendition.push(await measured(bench, () => bare([rendition], rendition.name, false)));
    const loadAtEnd = loadavg()[0]!;

    const median = (samples: Sample[], field: keyof Sample) => percentiles(samples.map((sample) => sample[field])).median;
    const [pipeWall, bareWall, pipeCpu, bareCpu] = [median(pipelineSamples, 'wallMs'), median(bareSamples, 'wallMs'), median(pipelineSamples, 'cpuS'), median(bareSamples, 'cpuS')];
    const separateCpu = perRendition.reduce((sum, sample) => sum + sample.cpuS, 0);
    const s = (ms: number) => (ms / 1000).toFixed(1);
    console.log(`\n${seconds} s 1920x1080 30 fps standard clip, ladder ${plan.renditions.map((r) => r.name).join(' + ')} + previews, x264 ${config.ffmpeg.x264Preset}, ${rounds} rounds, load 1-min ${loadAtStart.toFixed(1)}→${loadAtEnd.toFixed(1)}\n`);
    console.log(formatTable(['measure', 'median', 'baseline', 'median', 'ratio', 'each round (value/baseline)'], [
      ['pipeline: upload done → READY, wall s', s(pipeWall), 'bare FFmpeg ladder + previews', s(bareWall), (pipeWall / bareWall).toFixed(2), pipelineSamples.map((p, i) => `${s(p.wallMs)}/${s(bareSamples[i]!.wallMs)}`).join(' ')],
      ['pipeline: upload done → READY, CPU s', pipeCpu.toFixed(1), 'bare FFmpeg ladder + previews', bareCpu.toFixed(1), (pipeCpu / bareCpu).toFixed(2), pipelineSamples.map((p, i) => `${p.cpuS.toFixed(1)}/${bareSamples[i]!.cpuS.toFixed(1)}`).join(' ')],
      ['single-decode ladder, CPU s', single.cpuS.toFixed(1), '1 FFmpeg per rendition (sum)', separateCpu.toFixed(1), (single.cpuS / separateCpu).toFixed(2), perRendition.map((p, i) => `${plan.renditions[i]!.name} ${p.cpuS.toFixed(1)}`).join(', ')],
    ]));
    const note = [`${seconds} s 1920x1080 30 fps standard clip, ladder ${plan.renditions.map((r) => r.name).join('+')} + thumbnail + storyboard, x264 ${config.ffmpeg.x264Preset}, FFmpeg at niceness ${config.ffmpeg.ladderNiceness} on both sides, median of ${rounds} alternating rounds`, modeNote].filter(Boolean).join('; ');
    await writeResults('ladder-pipeline', [
      { name: 'ladder-pipeline', value: Math.round(pipeWall), unit: 'ms', baseline: 'one bare FFmpeg: same ladder + previews, same presigned input, local output', baselineValue: Math.round(bareWall), better: 'lower', goal: { ratioAtMost: 1.1 },
        notes: `upload done → READY (DB times): probe, src copy + upload, single pass with uploads while encoding, origin activities on PGlite; each round ${pipelineSamples.map((p, i) => `${s(p.wallMs)}/${s(bareSamples[i]!.wallMs)} s`).join(', ')}; ${note}` },
      { name: 'ladder-pipeline-cpu', value: Number(pipeCpu.toFixed(2)), unit: 'CPU s', baseline: 'the same bare FFmpeg', baselineValue: Number(bareCpu.toFixed(2)), better: 'lower', goal: { ratioAtMost: 1.1 },
        notes: `CPU of this process + FFmpeg children + MinIO + Temporal server; ${note}` },
      { name: 'ladder-single-decode', value: Number(single.cpuS.toFixed(2)), unit: 'CPU s', baseline: 'one FFmpeg per rendition (sum)', baselineValue: Number(separateCpu.toFixed(2)), better: 'lower', goal: { text: '≥ 1.1× less CPU (ratio ≤ 0.91; performance review §2)', ratioAtMost: 1 / 1.1 },
        notes: `one round; wall ${s(single.wallMs)} s vs ${s(perRendition.reduce((sum, p) => sum + p.wallMs, 0))} s; ${note}` },
    ]);
  } finally {
    await bench.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
